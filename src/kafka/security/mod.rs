//! How the dashboard's own protocol client secures its connections, from the same
//! librdkafka properties as every other client: the settings read from them, TLS with
//! OpenSSL, SASL (PLAIN, SCRAM, OAUTHBEARER) and OIDC tokens.

pub mod oidc;
pub mod sasl;
pub mod settings;
pub mod tls;
