//! `localStorage`, tolerant of browsers where it is missing, blocked or full (private modes,
//! quotas). Where it is denied altogether (a third-party iframe with storage blocked), values are
//! kept in memory for the life of the page, so an embed still works there.

use std::cell::RefCell;

thread_local! {
    /// Values `localStorage` refused, by key.
    static MEMORY: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored value of `key`, if any.
pub fn get(key: &str) -> Option<String> {
    match local() {
        Some(s) => s.get_item(key).ok().flatten(),
        None => MEMORY.with(|m| {
            m.borrow()
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        }),
    }
}

/// Stores `value` under `key` (in memory where storage is denied); false when storage is full.
pub fn set(key: &str, value: &str) -> bool {
    match local() {
        Some(s) => s.set_item(key, value).is_ok(),
        None => {
            MEMORY.with(|m| {
                let mut m = m.borrow_mut();
                m.retain(|(k, _)| k != key);
                m.push((key.to_owned(), value.to_owned()));
            });
            true
        }
    }
}

/// Removes `key`.
pub fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
    MEMORY.with(|m| m.borrow_mut().retain(|(k, _)| k != key));
}
