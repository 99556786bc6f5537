// Every ```swift block of docs/ is compiled: Generated/ holds them, and this test fails when the docs and Generated/ differ.

import Foundation
import Rivulet
import XCTest

/// The Swift examples of the documentation, as the test target compiles them.
///
/// Each `docs/NAME.md` with ```swift blocks has `Generated/NAME.swift`: its blocks in order,
/// their imports gathered at the top, a line `@main` left out (a test binary has its own
/// entry point). When a page changes, regenerate with
/// `RIVULET_REGENERATE_DOC_EXAMPLES=1 swift test --filter DocExamplesTests` and build again:
/// an example that no longer compiles then fails the build.
final class DocExamplesTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let generated = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Generated")

    /// The ```swift blocks of a Markdown text, in order.
    static func swiftBlocks(_ markdown: String) -> [[String]] {
        var blocks: [[String]] = []
        var current: [String]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if current == nil {
                if line.trimmingCharacters(in: .whitespaces) == "```swift" { current = [] }
            } else if line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(current ?? [])
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// The Swift file the test target compiles for one page, or nil when it has no Swift.
    static func source(page: String, markdown: String) -> String? {
        let blocks = swiftBlocks(markdown)
        guard !blocks.isEmpty else { return nil }
        var imports: [String] = []
        var body = ""
        for (index, block) in blocks.enumerated() {
            body += "\n// MARK: docs/\(page) example \(index + 1)\n\n"
            for line in block {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("import ") {
                    if !imports.contains(trimmed) { imports.append(trimmed) }
                } else if trimmed != "@main" {
                    body += line + "\n"
                }
            }
        }
        return "// Generated from docs/\(page) by DocExamplesTests: do not edit; edit the page and regenerate.\n\n"
            + imports.sorted().joined(separator: "\n") + "\n" + body
    }

    /// Every page with Swift and the file generated from it now.
    static func expectedFiles() throws -> [String: String] {
        let docs = root.appendingPathComponent("docs")
        var files: [String: String] = [:]
        for page in try FileManager.default.contentsOfDirectory(atPath: docs.path).sorted() where page.hasSuffix(".md") {
            let markdown = try String(contentsOf: docs.appendingPathComponent(page), encoding: .utf8)
            if let source = source(page: page, markdown: markdown) {
                files[String(page.dropLast(3)) + ".swift"] = source
            }
        }
        return files
    }

    func testEverySwiftExampleOfTheDocsIsCompiledByThisTarget() throws {
        let expected = try Self.expectedFiles()
        XCTAssertFalse(expected.isEmpty, "the docs have Swift examples")
        if ProcessInfo.processInfo.environment["RIVULET_REGENERATE_DOC_EXAMPLES"] == "1" {
            try? FileManager.default.removeItem(at: Self.generated)
            try FileManager.default.createDirectory(at: Self.generated, withIntermediateDirectories: true)
            for (name, text) in expected { try text.write(to: Self.generated.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            return
        }
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: Self.generated.path).filter { $0.hasSuffix(".swift") })
        XCTAssertEqual(present, Set(expected.keys), "Generated/ must hold one file per page with Swift examples")
        for (name, text) in expected {
            let committed = try? String(contentsOf: Self.generated.appendingPathComponent(name), encoding: .utf8)
            XCTAssertEqual(
                committed, text,
                "Tests/RivuletDocsTests/Generated/\(name) differs from its page: regenerate with RIVULET_REGENERATE_DOC_EXAMPLES=1 swift test --filter DocExamplesTests"
            )
        }
    }

    func testTheCountingFunctionOfWritingJobsCountsPerWord() throws {
        let input = NSTemporaryDirectory() + "rivulet-docs-" + UUID().uuidString + ".txt"
        try "a b a\nb a".write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        // The page's job with collect(into:) in place of print(), so the test can read its output.
        let out = CollectedValues<String>()
        let env = StreamExecutionEnvironment()
        try env.readTextFile(input)
            .flatMap { $0.split(separator: " ").map(String.init) }
            .keyBy { $0 }
            .process { DocsCountPerWord() }
            .collect(into: out)
        try env.execute("counts")
        XCTAssertEqual(out.values.sorted(), ["a\t1", "a\t2", "a\t3", "b\t1", "b\t2"])
        XCTAssertNoThrow(try DocsCountsJobs.catalog.job(named: "counts"))
    }

    func testTheInProcessExampleOfWritingJobsRuns() throws {
        XCTAssertEqual(try DocsRunInProcess.squaresOfEvens(), [4, 16, 36, 64, 100])
    }
}
