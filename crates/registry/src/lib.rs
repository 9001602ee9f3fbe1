//! The embedded schema registry: Confluent's REST API on loopback, its schemas kept in
//! the embedded broker's `_schemas` topic as the Confluent registry keeps them.
