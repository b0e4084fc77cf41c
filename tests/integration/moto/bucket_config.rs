//! Bucket configuration operations against moto.
