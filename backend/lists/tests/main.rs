//! The list server over a real store on this run's engine: the namespace it shares with
//! accounts and aliases, who may manage lists, and posts from RCPT to the members.

mod admin;
mod archive;
mod bounces;
mod digests;
mod moderation;
mod posting;
mod requests;
