// ZooKeeper's multi-threaded C client (Debian's libzookeeper-mt-dev) as a Swift module.
#ifndef RIVULET_CZOOKEEPER_SHIM_H
#define RIVULET_CZOOKEEPER_SHIM_H
// The header declares the threaded API only with THREADED defined.
#define THREADED 1
#include <zookeeper/zookeeper.h>

// Swift 6 refuses the address of a mutable C global; these accessors hand out the
// (never-written) ACL and the integer constants the library exports as globals.
static inline struct ACL_vector *rivulet_zoo_open_acl_unsafe(void) { return &ZOO_OPEN_ACL_UNSAFE; }
static inline struct ACL_vector *rivulet_zoo_creator_all_acl(void) { return &ZOO_CREATOR_ALL_ACL; }
static inline int rivulet_zoo_persistent(void) { return ZOO_PERSISTENT; }
static inline int rivulet_zoo_ephemeral(void) { return ZOO_EPHEMERAL; }
static inline int rivulet_zoo_persistent_sequential(void) { return ZOO_PERSISTENT_SEQUENTIAL; }
static inline int rivulet_zoo_ephemeral_sequential(void) { return ZOO_EPHEMERAL_SEQUENTIAL; }
static inline int rivulet_zoo_session_event(void) { return ZOO_SESSION_EVENT; }
static inline int rivulet_zoo_created_event(void) { return ZOO_CREATED_EVENT; }
static inline int rivulet_zoo_deleted_event(void) { return ZOO_DELETED_EVENT; }
static inline int rivulet_zoo_changed_event(void) { return ZOO_CHANGED_EVENT; }
static inline int rivulet_zoo_child_event(void) { return ZOO_CHILD_EVENT; }
static inline int rivulet_zoo_connected_state(void) { return ZOO_CONNECTED_STATE; }
static inline int rivulet_zoo_expired_session_state(void) { return ZOO_EXPIRED_SESSION_STATE; }
static inline int rivulet_zoo_auth_failed_state(void) { return ZOO_AUTH_FAILED_STATE; }
#endif
