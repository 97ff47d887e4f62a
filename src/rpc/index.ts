// The wire protocol shared by the consumer and the producer (PROTOCOL §1). Node builtins only.

export { RPC_ERROR_CODES, RpcError, isFinalErrorCode, isRpcErrorCode, type RpcErrorCode } from "./errors.js";
export {
  DEFAULT_MAX_FIB,
  MAX_FIB_LIMIT,
  DEFAULT_MAX_SLEEP_MS,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_READ_TIMEOUT_SECONDS,
  DEFAULT_REQUEST_LIMITS,
  QUIET_SECONDS,
  type RequestLimits,
} from "./limits.js";
export { RequestFramer, decodeRequestBytes, type FrameEnd, type FrameResult } from "./framing.js";
export { formatCommand, formatRequest, parseRequest, splitTokens, type RpcRequest } from "./request.js";
export { formatErrorReply, formatReply, parseReply, type ReplyOutcome } from "./reply.js";
export { printable, printableBytes } from "./printable.js";
