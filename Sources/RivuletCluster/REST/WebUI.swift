// The Web UI's static files (HTML, CSS, JavaScript; no build step), served at `/`.

import Foundation
import Hummingbird
import NIOCore

/// The Web UI: the files of `Sources/RivuletCluster/WebUI`, which SwiftPM copies beside the
/// binary (`Rivulet_RivuletCluster.resources/WebUI`), or those of `$RIVULET_WEB_UI_DIR`.
/// `index.html` answers `/`; the other files answer `/web/<name>`. Files are read once.
struct WebUI: Sendable {
    /// The files by name.
    let files: [String: Data]
    /// Where they were looked for, for the answer when none were found.
    let searched: [String]

    static let shared = WebUI.load()

    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) -> WebUI {
        var candidates: [String] = []
        if let dir = environment["RIVULET_WEB_UI_DIR"], !dir.isEmpty { candidates.append(dir) }
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            candidates.append(executable.appendingPathComponent("Rivulet_RivuletCluster.resources/WebUI").path)
            candidates.append(executable.appendingPathComponent("../share/rivulet/WebUI").standardized.path)
        }
        for dir in candidates {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir), names.contains("index.html") else { continue }
            var files: [String: Data] = [:]
            for name in names where !name.hasPrefix(".") {
                if let data = FileManager.default.contents(atPath: dir + "/" + name) { files[name] = data }
            }
            return WebUI(files: files, searched: candidates)
        }
        return WebUI(files: [:], searched: candidates)
    }

    static func contentType(_ name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }

    /// The file `name`, or a 404 naming where the UI was looked for.
    func response(_ name: String) -> Response {
        guard let data = files[name] else {
            if files.isEmpty {
                return RestServer.error(
                    404, "the Web UI's files were not found (looked in \(searched.joined(separator: ", "))); set RIVULET_WEB_UI_DIR")
            }
            return RestServer.error(404, "no Web UI file '\(name)'")
        }
        return Response(
            status: .ok, headers: [.contentType: Self.contentType(name), .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in response("index.html") }
        router.get("/web/:name") { _, context in response(context.parameters.get("name") ?? "") }
    }
}
