//! Notification configurations against moto.
