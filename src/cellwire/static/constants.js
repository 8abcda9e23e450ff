// @ts-check
// Values the page runtime shares with the kernel side. The loader (a classic script, which cannot
// import) keeps literal copies of the ones it needs, each marked as mirroring this module.

/** The cellwire protocol this runtime speaks (the kernel's is `cellwire.PROTOCOL`). */
export const PROTOCOL = 1;

/** The kernel announces each of its processes with a comm whose id is this prefix + its
 * instance id (the "beacon"; `comm_info_request` lists it without side effects). */
export const BEACON_PREFIX = "cellwire-beacon-";

/** Buffers larger than this in one message are uploaded in chunks: jupyter_server closes a socket
 * on a frame over 10 MiB. This runtime is the one place these limits are set. */
export const MAX_INLINE_BYTES = 9 * 1024 * 1024;

/** The size of one chunk of such an upload. */
export const CHUNK_BYTES = 8 * 1024 * 1024;

/** Both limits on a text-only socket (buffers in base64, behind a kernel gateway): 6 MiB of bytes
 * are 8 MiB of base64. The kernel's twin is `page_connection.TEXT_CHUNK_BYTES`. */
export const TEXT_CHUNK_BYTES = 6 * 1024 * 1024;
