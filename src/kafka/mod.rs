//! Kafka client side: what the dashboard's workers share. For now, decoding of the
//! consumer-protocol bytes found in JoinGroup/SyncGroup/DescribeGroups.

pub mod consumer_protocol;
pub mod partitioner;
