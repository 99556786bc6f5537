// The top-speed job: per car, the highest speed of every 10-second event-time period (timers + state).

import Rivulet
import RivuletCore

/// A car's position report.
public struct CarEvent: Sendable, Hashable, Codable, BinaryCodable {
    public var carID: Int
    public var speed: Double
    public var timestamp: Int64
}

/// Keeps the top speed of the current period per car and reports it when the period's
/// event-time timer fires.
public struct TopSpeedPerPeriod: KeyedProcessFunction {
    public typealias Key = Int
    public typealias Input = CarEvent
    public typealias Output = String

    let periodMillis: Int64
    var topSpeed: ValueState<Double>?

    public init(periodMillis: Int64) {
        self.periodMillis = periodMillis
    }

    public mutating func open(_ context: KeyedRuntimeContext<Int>) throws {
        topSpeed = try context.valueState(ValueStateDescriptor<Double>("top-speed"))
    }

    public mutating func processElement(_ event: CarEvent, _ context: KeyedContext<Int>, _ out: Collector<String>) throws {
        guard let topSpeed else { return }
        if event.timestamp < context.currentWatermark { return }
        let best = try topSpeed.value()
        if best.map({ event.speed > $0 }) ?? true {
            try topSpeed.update(event.speed)
        }
        let periodEnd = (event.timestamp / periodMillis + 1) * periodMillis - 1
        try context.registerEventTimeTimer(periodEnd)
    }

    public mutating func onTimer(_ timestamp: Int64, _ context: KeyedContext<Int>, _ out: Collector<String>) throws {
        guard let topSpeed, let best = try topSpeed.value() else { return }
        let start = timestamp + 1 - periodMillis
        try out.collect("car \(try context.currentKey)\t[\(start), \(timestamp + 1))\ttop speed \(Int(best.rounded())) km/h")
        try topSpeed.clear()
    }
}

extension ExampleJobs {
    /// `top-speed`: generated car events -> top speed per car and 10-second period.
    public static let topSpeed = JobDefinition(
        name: "top-speed",
        summary: "Reports each car's top speed per 10-second event-time period (keyed state + timers).",
        parameters: [
            JobParameter("cars", help: "Number of cars.", default: "4"),
            JobParameter("records", help: "Events to generate; 0 for an unbounded stream.", default: "2000"),
            JobParameter("rate", help: "Events per second (default: as fast as possible)."),
        ]
    ) { env, args in
        let cars = try args.int("cars", default: 4, in: 1...1_000_000)
        let records = try args.int("records", default: 2000, in: 0...Int.max)
        let rate = try args.double("rate", default: nil)
        env.generate(count: records == 0 ? nil : Int64(records), recordsPerSecond: rate, seed: 11) { i, rng in
            let car = Int(i % Int64(cars))
            // Every car reports every 100 ms of event time; speed in 50...200 km/h.
            let speed = 50 + Double(rng.next() % 15_000) / 100
            return CarEvent(carID: car, speed: speed, timestamp: (i / Int64(cars)) * 100)
        }
        .assignTimestampsAndWatermarks(WatermarkStrategy<CarEvent>.forMonotonousTimestamps()
            .withTimestampAssigner { event, _ in event.timestamp })
        .keyBy { $0.carID }
        .process { TopSpeedPerPeriod(periodMillis: 10_000) }
        .name("Top Speed")
        .print()
    }
}
