// The top-speed job: per car, the highest speed of every 10-second event-time period (timers + state).

import Rivulet
import RivuletCore

/// A car's position report.
public struct CarEvent: Sendable, Hashable, Codable, BinaryCodable {
    public var carID: Int
    public var speed: Double
    public var timestamp: Int64
}

/// Keeps each car's top speed per period (by the period's last millisecond) and reports a
/// period when its event-time timer fires, however far the watermark jumps at once.
public struct TopSpeedPerPeriod: KeyedProcessFunction {
    public typealias Key = Int
    public typealias Input = CarEvent
    public typealias Output = String

    let periodMillis: Int64
    var topSpeeds: MapState<Int64, Double>?

    public init(periodMillis: Int64) {
        self.periodMillis = periodMillis
    }

    public mutating func open(_ context: KeyedRuntimeContext<Int>) throws {
        topSpeeds = try context.mapState(MapStateDescriptor<Int64, Double>("top-speed-per-period"))
    }

    public mutating func processElement(_ event: CarEvent, _ context: KeyedContext<Int>, _ out: Collector<String>) throws {
        guard let topSpeeds else { return }
        let periodEnd = (event.timestamp / periodMillis + 1) * periodMillis - 1
        if periodEnd <= context.currentWatermark { return }  // its period was reported already
        if try topSpeeds.get(periodEnd).map({ event.speed > $0 }) ?? true {
            try topSpeeds.put(periodEnd, event.speed)
        }
        try context.registerEventTimeTimer(periodEnd)
    }

    public mutating func onTimer(_ timestamp: Int64, _ context: KeyedContext<Int>, _ out: Collector<String>) throws {
        guard let topSpeeds, let best = try topSpeeds.get(timestamp) else { return }
        let start = timestamp + 1 - periodMillis
        try out.collect("car \(try context.currentKey)\t[\(start), \(timestamp + 1))\ttop speed \(Int(best.rounded())) km/h")
        try topSpeeds.remove(timestamp)
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
        .assignTimestampsAndWatermarks(
            WatermarkStrategy<CarEvent>.forMonotonousTimestamps()
                .withTimestampAssigner { event, _ in event.timestamp }
        )
        .keyBy { $0.carID }
        .process { TopSpeedPerPeriod(periodMillis: 10_000) }
        .name("Top Speed")
        .print()
    }
}
