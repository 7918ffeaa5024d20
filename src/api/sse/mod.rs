//! Server-Sent Events: our own WHATWG parser with size caps, and reconnecting streams.
