// The RocksDB C API (Debian's librocksdb-dev) as a Swift module.
#include <rocksdb/c.h>
