//! Wire format shared by both servers: names, the strict query parser and
//! the response writer. The stored zone format and the writer change
//! together, so they live side by side.

pub mod name;
pub mod query;
pub mod writer;
