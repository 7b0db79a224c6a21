/**
 * The largest request body any API route reads, in bytes: a REST JSON body, and each Connect,
 * gRPC-Web or gRPC message, compressed or decompressed.
 */
export const requestBodyLimit = 1024 * 1024;
