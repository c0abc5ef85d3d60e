//! The preview server (`dwgk serve`): the site built into memory (`live`), served
//! with live reload and an error overlay (`http`), rebuilt incrementally when the
//! watcher (`io::watch`) reports changes.

pub mod http;
pub mod live;
pub mod store;
