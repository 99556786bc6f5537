// The module a user's job imports: the DataStream API, and the MiniCluster that runs a job locally.

// `import Rivulet` brings the engine's API (RivuletRuntime) and the cluster's public face
// (RivuletCluster: `env.execute()` on the MiniCluster, the processes, the configuration
// options) into scope together. Swift has no stable spelling for re-exporting a module;
// `@_exported` is the one the toolchain and swift-nio's umbrella modules use.
@_exported import RivuletCluster
@_exported import RivuletRuntime
