//! Kafka error codes that kafka-protocol's `ResponseError` lacks: success, and the codes
//! newer than its table (0.15 ends at 106). Every other code comes from `ResponseError`.

/// No error (Kafka's NONE).
pub const NONE: i16 = 0;
/// FENCED_MEMBER_EPOCH (KIP-848): the member's epoch is not the group's.
pub const FENCED_MEMBER_EPOCH: i16 = 110;
/// UNRELEASED_INSTANCE_ID (KIP-848): another active member holds the instance id.
pub const UNRELEASED_INSTANCE_ID: i16 = 111;
/// UNSUPPORTED_ASSIGNOR (KIP-848): no server assignor of that name.
pub const UNSUPPORTED_ASSIGNOR: i16 = 112;
/// STALE_MEMBER_EPOCH (KIP-848): an offset commit with an epoch the member has left behind.
pub const STALE_MEMBER_EPOCH: i16 = 113;
/// INVALID_REGULAR_EXPRESSION (KIP-848): a subscribed topic regex does not compile.
pub const INVALID_REGULAR_EXPRESSION: i16 = 128;
