//! The schema registry as the dashboard's workers use it: where it is and how to log in,
//! its REST client (reads by id; subjects, versions and registration for the composer),
//! and the fetcher that runs them off the UI task.

pub mod client;
pub mod composer_calls;
pub mod fetcher;
pub mod settings;
pub mod subjects;
