//! The schema registry as the dashboard's workers use it: where it is and how to log in,
//! its REST client, and the fetcher that turns an id into a compiled schema off the UI
//! task.

pub mod client;
pub mod fetcher;
pub mod settings;
