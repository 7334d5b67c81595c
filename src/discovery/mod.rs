//! Discovery: the catalog and search page, the course page and the institution page, each in its
//! own chunk, loaded when first shown.

mod catalog;
mod course;
mod course_card;
mod institution;

crate::split_page!(
    catalog_chunk,
    fn catalog_page(search: bool) {
        catalog::page(search)
    }
);

crate::split_page!(
    course_chunk,
    fn course_page(id: String) {
        course::page(id)
    }
);

// The institution's embed settings (staff) travel in this chunk: a split point of their own
// would add shared chunks to every route (ADR 0009), and they are about the institution too.
crate::split_page!(
    institution_chunk,
    fn institution_page(id: String, embed_settings: bool) {
        if embed_settings {
            crate::embed::settings::page(id)
        } else {
            institution::page(id)
        }
    }
);
