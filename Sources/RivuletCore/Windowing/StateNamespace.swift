// A cheap, process-independent hash of a state namespace (a window, or none).

/// Namespaces of keyed state (windows; `VoidNamespace` for plain keyed state) with a fast
/// hash for the engine's state maps. The default uses `hashValue`; the built-in windows
/// override it with a few multiplications.
public protocol StateNamespace: Hashable {
    var namespaceHash: UInt64 { get }
}

extension StateNamespace {
    @inlinable public var namespaceHash: UInt64 { UInt64(bitPattern: Int64(hashValue)) }
}

extension VoidNamespace: StateNamespace {
    @inlinable public var namespaceHash: UInt64 { 0 }
}

extension TimeWindow {
    @inlinable public var namespaceHash: UInt64 {
        (UInt64(bitPattern: start) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(bitPattern: end) &* 0xC2B2_AE3D_27D4_EB4F)
    }
}

extension GlobalWindow {
    @inlinable public var namespaceHash: UInt64 { 0x5851_F42D_4C95_7F2D }
}
