//! Lazy pagination of Astro's offset/limit list operations.
//!
//! Every list operation whose response has `offset`, `limit`, `totalCount` and an array of
//! items implements [`Paginated`] (the code generator emits the impls, and an inherent
//! `pager()` on each such builder), and so gets [`Paginate`]: a lazy stream of items or pages,
//! or all items at once. Filters and sorts set on the builder are kept on every page.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use crate::{Call, Error};
use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use serde::Serialize;

/// The page size used unless [`Pager::page_size`] says otherwise.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The offset the server says this page starts at.
    pub offset: i64,
    /// The limit the server applied.
    pub limit: i64,
    /// The number of items in the whole list.
    pub total_count: i64,
}

/// A list operation builder that can ask for one page (generated for every offset/limit list
/// operation of the pinned specs).
pub trait Paginated: Call + Clone + Send {
    /// One item of the list.
    type Item: Serialize + Send;
    /// The largest `limit` the operation accepts.
    const MAX_PAGE_SIZE: u32;
    /// The same request for the page at `offset` of `limit` items.
    fn with_page(self, offset: i64, limit: i64) -> Self;
    /// Splits a decoded response into its page.
    fn into_page(page: Self::Output) -> Page<Self::Item>;
}

/// Pagination for every [`Paginated`] builder.
pub trait Paginate: Paginated + Sized {
    /// A pager with the default page size, for [`Pager::page_size`], [`Pager::pages`],
    /// [`Pager::items`] or [`Pager::collect`].
    fn pager(self) -> Pager<Self> {
        Pager {
            builder: self,
            page_size: DEFAULT_PAGE_SIZE.min(Self::MAX_PAGE_SIZE),
        }
    }

    /// A lazy stream of every item, fetched a page at a time as it is read.
    fn stream(self) -> impl Stream<Item = Result<Self::Item, Error>> + Send + Unpin {
        self.pager().items()
    }

    /// Every item of the list.
    fn collect_all(self) -> impl Future<Output = Result<Vec<Self::Item>, Error>> + Send {
        self.pager().collect()
    }
}

impl<B: Paginated> Paginate for B {}

/// A list to be read page by page.
#[derive(Clone, Debug)]
pub struct Pager<B> {
    builder: B,
    page_size: u32,
}

struct Cursor<B> {
    builder: B,
    next_offset: i64,
    last_page: Option<u64>,
    done: bool,
}

impl<B: Paginated> Pager<B> {
    /// Items per request, from 1 to the operation's maximum (1000 for Astro's lists).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size.clamp(1, B::MAX_PAGE_SIZE.max(1));
        self
    }

    /// A lazy stream of pages. No request is sent until the stream is polled. It ends when the
    /// next offset reaches `totalCount`, on an empty page, or when the server answers with a
    /// page it already sent or an offset other than the one asked for (a server ignoring
    /// `offset` would otherwise be read forever).
    pub fn pages(self) -> impl Stream<Item = Result<Page<B::Item>, Error>> + Send + Unpin {
        let limit = i64::from(self.page_size);
        let cursor = Cursor {
            builder: self.builder,
            next_offset: 0,
            last_page: None,
            done: false,
        };
        Box::pin(stream::try_unfold(cursor, move |mut cursor| async move {
            if cursor.done {
                return Ok(None);
            }
            let asked = cursor.next_offset;
            let output = cursor
                .builder
                .clone()
                .with_page(asked, limit)
                .call()
                .await?;
            let page = B::into_page(output);
            let fingerprint = fingerprint(&page.items);
            if page.items.is_empty()
                || cursor.last_page == Some(fingerprint)
                || (asked > 0 && page.offset != asked)
            {
                if !page.items.is_empty() {
                    tracing::warn!(
                        operation = B::OPERATION.id,
                        asked_offset = asked,
                        answered_offset = page.offset,
                        "the server ignored the requested offset; stopping the pagination"
                    );
                }
                return Ok(None);
            }
            cursor.last_page = Some(fingerprint);
            cursor.next_offset = asked + page.items.len() as i64;
            cursor.done = cursor.next_offset >= page.total_count;
            Ok(Some((page, cursor)))
        }))
    }

    /// A lazy stream of items, a page fetched whenever the previous one is used up.
    pub fn items(self) -> impl Stream<Item = Result<B::Item, Error>> + Send + Unpin {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Every item of the list.
    pub async fn collect(self) -> Result<Vec<B::Item>, Error> {
        let mut pages = self.pages();
        let mut items = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page?;
            if items.is_empty() {
                let expected = usize::try_from(page.total_count).unwrap_or(0);
                items.reserve(expected.min(100_000).saturating_sub(page.items.len()));
            }
            items.extend(page.items);
        }
        Ok(items)
    }
}

/// A cheap fingerprint of a page, to notice a page served twice: its length and its first and
/// last items (serialising whole pages cost a third of their decoding time).
fn fingerprint<T: Serialize>(items: &[T]) -> u64 {
    let mut hasher = DefaultHasher::new();
    items.len().hash(&mut hasher);
    for item in [items.first(), items.last()].into_iter().flatten() {
        if let Ok(bytes) = serde_json::to_vec(item) {
            bytes.hash(&mut hasher);
        }
    }
    hasher.finish()
}
