//! A mailing list's archive, for its members and the administrators of its domain: the
//! threads (latest activity first), search over the posts, a thread's posts as text
//! (replies set in), and the whole archive as an mbox file.

use osprey_api_types::{ArchivePage as Page, ArchiveThreadPosts, ArchivedPostSummary};
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::download::{bytes_url, use_auto_download};
use crate::components::search::SearchBox;
use crate::format;
use crate::route::Route;

/// Threads or posts a page loads.
const PAGE: u64 = 25;

#[derive(Properties, PartialEq)]
pub struct ArchiveProps {
    pub id: AttrValue,
}

fn author(name: &str, address: &str) -> String {
    if name.is_empty() {
        address.to_owned()
    } else {
        name.to_owned()
    }
}

fn subject(s: &str) -> String {
    if s.trim().is_empty() {
        "(no subject)".to_owned()
    } else {
        s.to_owned()
    }
}

/// The list's threads, or the posts a search found.
#[function_component]
pub fn ArchivePage(props: &ArchiveProps) -> Html {
    let api = use_api();
    let page = use_state(|| None::<Page>);
    let query = use_state(String::new);
    let offset = use_state(|| 0u64);
    let error = use_state(|| None::<ApiError>);
    let loading = use_state(|| true);
    {
        let (api, page, error, loading) =
            (api.clone(), page.clone(), error.clone(), loading.clone());
        use_effect_with(
            (props.id.clone(), (*query).clone(), *offset),
            move |(id, q, offset)| {
                let (id, q, offset) = (id.to_string(), q.clone(), *offset);
                loading.set(true);
                spawn_local(async move {
                    let q = (!q.trim().is_empty()).then_some(q);
                    match api
                        .list_archive(&id, q.as_deref(), Some(offset), Some(PAGE))
                        .await
                    {
                        Ok(mut next) => {
                            // "Older" adds to what is shown.
                            if offset > 0
                                && let Some(before) = &*page
                            {
                                let mut threads = before.threads.clone();
                                threads.append(&mut next.threads);
                                let mut posts = before.posts.clone();
                                posts.append(&mut next.posts);
                                next.threads = threads;
                                next.posts = posts;
                            }
                            page.set(Some(next));
                            error.set(None);
                        }
                        Err(e) => error.set(Some(e)),
                    }
                    loading.set(false);
                });
            },
        );
    }
    let onsearch = {
        let (query, offset) = (query.clone(), offset.clone());
        Callback::from(move |q: String| {
            offset.set(0);
            query.set(q);
        })
    };
    let older = {
        let (offset, page) = (offset.clone(), page.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(next) = page.as_ref().and_then(|p| p.next_offset) {
                offset.set(next);
            }
        })
    };
    let (download, link) = use_auto_download();
    let export = {
        let (api, error, download) = (api.clone(), error.clone(), download.clone());
        let id = props.id.to_string();
        Callback::from(move |_: MouseEvent| {
            let (api, error, download, id) =
                (api.clone(), error.clone(), download.clone(), id.clone());
            spawn_local(async move {
                match api.archive_mbox(&id).await {
                    Ok(mbox) => download.set(Some(bytes_url("application/mbox", &mbox))),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let (name, address) = page
        .as_ref()
        .map(|p| (p.list_name.clone(), p.list_address.clone()))
        .unwrap_or_default();
    let searching = !query.trim().is_empty();
    let id = props.id.to_string();
    let thread_link = |thread: &str, title: Html| {
        html! {
            <Link<Route> to={Route::ArchiveThread { id: id.clone(), thread: thread.to_owned() }} classes="row-title">
                { title }
            </Link<Route>>
        }
    };
    let post_row = |p: &ArchivedPostSummary| {
        html! {
            <li class="row" key={p.id.clone()}>
                <div class="row-main">
                    { thread_link(&p.thread_id, html! { subject(&p.subject) }) }
                    <div class="row-meta">{ format!("{} · {}", author(&p.author_name, &p.author_address), format::date(&p.posted_at)) }</div>
                </div>
            </li>
        }
    };
    html! {
        <section class="page archive" aria-labelledby="archive-title">
            <h1 id="archive-title">{ if name.is_empty() { "Archive".to_owned() } else { format!("{name} — archive") } }</h1>
            <p class="muted">{ address.clone() }</p>
            <ProblemBanner error={(*error).clone()} />
            <div class="archive-tools">
                <SearchBox id="archive-search" label="Search the archive" placeholder="Search posts" onsearch={onsearch} />
                <button type="button" class="button" id="archive-export" onclick={export}>{ "Download (mbox)" }</button>
                if let Some(url) = &*download {
                    <a ref={link} href={url.clone()} download={format!("{}.mbox", address.split('@').next().unwrap_or("archive"))} hidden=true>{ "mbox" }</a>
                }
            </div>
            <div class="card">
                { match &*page {
                    None if *loading => html! { <p class="loading" aria-busy="true">{ "Loading…" }</p> },
                    None => Html::default(),
                    Some(p) if searching => html! {
                        <>
                            if p.posts.is_empty() && !*loading {
                                <p class="empty" id="archive-empty">{ "No post holds all these words." }</p>
                            }
                            <ul class="rows" id="archive-results">{ for p.posts.iter().map(post_row) }</ul>
                        </>
                    },
                    Some(p) => html! {
                        <>
                            if p.threads.is_empty() && !*loading {
                                <p class="empty" id="archive-empty">{ "No posts yet. Posts to the list appear here." }</p>
                            }
                            <ul class="rows" id="archive-threads">
                                { for p.threads.iter().map(|t| html! {
                                    <li class="row" key={t.first.id.clone()}>
                                        <div class="row-main">
                                            { thread_link(&t.first.thread_id, html! { subject(&t.first.subject) }) }
                                            if t.posts > 1 {
                                                <span class="tag">{ format!("{} posts", t.posts) }</span>
                                            }
                                            <div class="row-meta">{ format!("{} · last {}", author(&t.first.author_name, &t.first.author_address), format::date(&t.last_posted_at)) }</div>
                                        </div>
                                    </li>
                                }) }
                            </ul>
                        </>
                    },
                } }
                if page.as_ref().is_some_and(|p| p.next_offset.is_some()) {
                    <button type="button" class="button" id="archive-older" disabled={*loading} onclick={older}>{ "Older" }</button>
                }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ThreadProps {
    pub id: AttrValue,
    pub thread: AttrValue,
}

/// A thread's posts, in the order they came, replies set in.
#[function_component]
pub fn ArchiveThreadPage(props: &ThreadProps) -> Html {
    let api = use_api();
    let thread = use_state(|| None::<ArchiveThreadPosts>);
    let error = use_state(|| None::<ApiError>);
    {
        let (api, thread, error) = (api.clone(), thread.clone(), error.clone());
        use_effect_with((props.id.clone(), props.thread.clone()), move |(id, t)| {
            let (id, t) = (id.to_string(), t.to_string());
            spawn_local(async move {
                match api.archive_thread(&id, &t).await {
                    Ok(posts) => thread.set(Some(posts)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let title = thread
        .as_ref()
        .and_then(|t| t.posts.first())
        .map(|p| subject(&p.subject))
        .unwrap_or_else(|| "Thread".to_owned());
    html! {
        <section class="page archive" aria-labelledby="thread-title">
            <p><Link<Route> to={Route::Archive { id: props.id.to_string() }}>{ "← All threads" }</Link<Route>></p>
            <h1 id="thread-title">{ title }</h1>
            <ProblemBanner error={(*error).clone()} />
            { match &*thread {
                None if error.is_none() => html! { <p class="loading" aria-busy="true">{ "Loading…" }</p> },
                None => Html::default(),
                Some(t) => html! {
                    <div id="thread-posts">
                        <p class="muted">{ format!("{} · {}", t.list_name, t.list_address) }</p>
                        { for t.posts.iter().map(|p| html! {
                            <article class="card archive-post" key={p.id.clone()}
                                style={format!("--depth: {}", p.depth.min(6))}>
                                <div class="row-meta">
                                    <b>{ author(&p.author_name, &p.author_address) }</b>
                                    { format!(" <{}> · {}", p.author_address, format::date(&p.posted_at)) }
                                </div>
                                <pre class="post-text">{ p.text.clone() }</pre>
                            </article>
                        }) }
                    </div>
                },
            } }
        </section>
    }
}
