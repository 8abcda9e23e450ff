// Types shared across the runtime's modules, for `tsc` only (never sent to a page).
//
// Modules name each other's types through these global aliases instead of JSDoc
// `import("./x.js")`: cellwire's transport/assets.py reads every quoted "./x.js" in a module as a dependency
// (to order the modules for the loader), so a type-only reference would add an edge, or a cycle.

type Runtime = import("../src/cellwire/static/runtime.js").Runtime;
type KernelLink = import("../src/cellwire/static/link.js").KernelLink;
type OutputView = import("../src/cellwire/static/view.js").OutputView;
type OutputSpec = import("../src/cellwire/static/view.js").OutputSpec;
type AttachedMessage = import("../src/cellwire/static/view.js").AttachedMessage;
type CallMessage = import("../src/cellwire/static/rpc.js").CallMessage;
type ChannelHandle = import("../src/cellwire/static/view.js").ChannelHandle;
type InvokeOptions = import("../src/cellwire/static/rpc.js").InvokeOptions;
/** A vendored bundle as the kernel sends it: one ES module and its CSS. */
type VendorBundle = { hash: string; js: string; css: string };
type Binary = import("../src/cellwire/static/binary.js").Binary;
type BufferPath = import("../src/cellwire/static/binary.js").BufferPath;
type WidgetExports = import("../src/cellwire/static/module-exports.js").WidgetExports;
type KernelMessage = import("../src/cellwire/static/framing.js").KernelMessage;
type ReceivedMessage = import("../src/cellwire/static/framing.js").ReceivedMessage;
type Wire = import("../src/cellwire/static/wire.js").Wire;
type WireEvents = import("../src/cellwire/static/wire.js").WireEvents;

/** The helpers the loader (loader.js, a classic script) hands the runtime. */
interface CellwireBoot {
  api: number;
  pageConfig(): { baseUrl: string; wsUrl: string; token: string };
  api_request(path: string): Promise<Response>;
  /** A kernel's channels WebSocket URL (with the token only for a host other than the page's). */
  channelsUrl(kernelId: string, sessionId: string): string;
  uuid(): string;
  findKernel(spec: OutputSpec): Promise<string>;
  probe(id: string, instance: string, timeoutMs: number): Promise<boolean>;
  compareVersions(a: string, b: string): number;
  /** Marks a start-up step (`cellwire:start:<step>`), the first time only (absent in loaders of cellwire ≤ 0.1.0). */
  mark?(step: string): void;
  /** Cache Storage by content hash, one entry per kind and base URL, verified by SHA-256 (absent in loaders of cellwire ≤ 0.1.0). */
  cached?(kind: string, hash: string | undefined): Promise<any>;
  store?(kind: string, hash: string, body: unknown): Promise<void>;
  showProblem(el: HTMLElement, err: unknown): void;
  mount(spec: OutputSpec, script: HTMLOrSVGScriptElement | null, attempt?: number): void;
}

interface HTMLElement {
  /** The view mounted on an output's element ("loading"/"failed" while the loader works on it). */
  __cellwire?: OutputView | "loading" | "failed";
}

/** The spec the kernel writes into each output's copy of the loader. */
declare const __CELLWIRE_SPEC__: OutputSpec;

// The page's globals (a versioned runtime and the loader's helpers, shared by every output).
declare var __cellwire: Runtime | undefined;
declare var __cellwire_boot: CellwireBoot | undefined;
/** Tests set it to [] to see every cellwire message both ways. */
declare var __cellwire_trace: Array<{ dir: "in" | "out"; data: unknown; nbuffers: number }> | undefined;
