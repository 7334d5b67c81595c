//! `localStorage`, tolerant of browsers where it is missing, blocked or full (private modes,
//! quotas, third-party iframes with storage blocked): what cannot be stored there is kept in
//! memory for the life of the page, so an embed still works where storage is denied.

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
    local()
        .and_then(|s| s.get_item(key).ok().flatten())
        .or_else(|| {
            MEMORY.with(|m| {
                m.borrow()
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
            })
        })
}

/// Stores `value` under `key`; returns whether it was stored (in memory when storage refuses).
pub fn set(key: &str, value: &str) -> bool {
    if let Some(s) = local() {
        if s.set_item(key, value).is_ok() {
            return true;
        }
        // Full: an older copy there must not shadow the one kept in memory.
        let _ = s.remove_item(key);
    }
    MEMORY.with(|m| {
        let mut m = m.borrow_mut();
        m.retain(|(k, _)| k != key);
        m.push((key.to_owned(), value.to_owned()));
    });
    true
}

/// Removes `key`.
pub fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
    MEMORY.with(|m| m.borrow_mut().retain(|(k, _)| k != key));
}
