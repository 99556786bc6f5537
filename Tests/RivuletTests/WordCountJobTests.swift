// Golden tests of the word-count job: the engine's counts equal counts computed independently.

import XCTest
import Rivulet
import RivuletExamples

final class WordCountJobTests: XCTestCase {
    /// Counts words the plain way: split on anything that is not a letter or digit.
    func independentCounts(_ lines: [String]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in lines {
            var word = ""
            for ch in line.unicodeScalars {
                if ch.properties.isAlphabetic && ch.properties.generalCategory != .letterNumber
                    && ch.properties.generalCategory != .spacingMark && ch.properties.generalCategory != .nonspacingMark
                    || ch.properties.generalCategory == .decimalNumber
                {
                    word.unicodeScalars.append(ch)
                } else if !word.isEmpty {
                    counts[word.lowercased(), default: 0] += 1
                    word = ""
                }
            }
            if !word.isEmpty { counts[word.lowercased(), default: 0] += 1 }
        }
        return counts
    }

    func runWordCount(lines: [String], parallelism: Int) throws -> [String: Int] {
        let env = StreamExecutionEnvironment(configuration: try Configuration(["parallelism.default": String(parallelism)]))
        let sink = CollectedValues<WordCount>()
        env.fromCollection(lines)
            .flatMap { (line: String, out: Collector<String>) in try Tokenizer.forEachWord(in: line) { try out.collect($0) } }
            .keyBy { $0 }
            .process { CountUntilEnd() }
            .collect(into: sink)
        try env.execute("wordcount-test")
        var result: [String: Int] = [:]
        for wc in sink.values {
            XCTAssertNil(result[wc.word], "word \(wc.word) emitted twice")
            result[wc.word] = wc.count
        }
        return result
    }

    func testWordCountOfSampleTextEqualsIndependentCount() throws {
        let expected = independentCounts(SampleText.lines)
        XCTAssertEqual(expected["to"], 15)
        XCTAssertEqual(try runWordCount(lines: SampleText.lines, parallelism: 1), expected)
    }

    func testWordCountAtParallelismFourEqualsParallelismOne() throws {
        let lines = (0..<2000).map { i in "Line \(i): the Quick brown fox \(i % 7) jumps over ünïcode wörds and the lazy dog" }
        let one = try runWordCount(lines: lines, parallelism: 1)
        let four = try runWordCount(lines: lines, parallelism: 4)
        XCTAssertEqual(one, four)
        XCTAssertEqual(one, independentCounts(lines))
        XCTAssertEqual(one["the"], 4000)
        XCTAssertEqual(one["wörds"], 2000)
    }
}
