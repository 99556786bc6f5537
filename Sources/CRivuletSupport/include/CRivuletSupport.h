// Processor hints Swift cannot spell: the engine's hash maps prefetch the slots of a batch's
// keys before they touch them, so the cache misses of a batch overlap instead of queueing.
#ifndef CRIVULET_SUPPORT_H
#define CRIVULET_SUPPORT_H

/// Starts loading the cache line holding `address` for a write (a hint: never faults).
static inline void rivulet_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
