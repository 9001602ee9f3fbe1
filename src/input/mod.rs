//! The dashboard's own terminal input: [`parser::Parser`] turns the terminal's bytes into
//! the crossterm events the app consumes.

pub mod parser;
