// @ts-check
// Values the page runtime shares with the kernel side. The loader (a classic script, which cannot
// import) keeps literal copies of the ones it needs, each marked as mirroring this module.

/** The cellwire protocol this runtime speaks (the kernel's is `cellwire.PROTOCOL`). */
export const PROTOCOL = 1;

/** The kernel announces each of its processes with a comm whose id is this prefix + its
 * instance id (the "beacon"; `comm_info_request` lists it without side effects). */
export const BEACON_PREFIX = "cellwire-beacon-";

/** A reference to a model in synced state: "IPY_MODEL_<id>", the Jupyter widgets convention. */
export const MODEL_PREFIX = "IPY_MODEL_";

/** Buffers larger than this in one message are uploaded in chunks: jupyter_server closes a socket
 * on a frame over 10 MiB. This runtime is the one place these limits are set. */
export const MAX_INLINE_BYTES = 9 * 1024 * 1024;

/** The size of one chunk of such an upload. */
export const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * The model id in a reference ("IPY_MODEL_<id>", or the id itself).
 * @param {unknown} ref
 * @returns {string}
 */
export function modelIdOf(ref) {
  const text = String(ref);
  return text.startsWith(MODEL_PREFIX) ? text.slice(MODEL_PREFIX.length) : text;
}
