//! Recursive resolver (see issue "Recursive resolver").
