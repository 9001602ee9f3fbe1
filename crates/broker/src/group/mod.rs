//! Kafka's group coordinator: both kinds of consumer group under one roof, as in Apache
//! Kafka's `group-coordinator` module. `classic` is the JoinGroup/SyncGroup protocol and
//! owns every group's committed offsets; `consumer` is KIP-848's protocol (the broker
//! computes assignments; members reconcile over heartbeats); `migration` turns a group of
//! one kind into the other while its members stay online. `consumer` asks `classic` (a
//! classic group's members, its offsets); `classic` depends on neither.

pub mod classic;
pub mod consumer;
pub mod migration;
