"""Recognising the browsers built into social apps, which may not download files.

Such a browser keeps its own cookies and often cannot save a PDF; the pages then tell the
person how to continue in the phone's own browser. Detection is by the User-Agent tokens the
apps add to the system web view's; an unknown or missing User-Agent is a normal browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    """The phone's system, which decides what the 'open in browser' item is called."""

    IOS = "ios"
    ANDROID = "android"
    OTHER = "other"


@dataclass(frozen=True)
class InAppBrowser:
    """An app's built-in browser: the app's name as people know it, and the platform."""

    app: str
    platform: Platform


# Order matters: Messenger and Instagram are Facebook apps and some of their builds carry
# Facebook's tokens too, so the more specific app is tried first.
APPS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Messenger", re.compile(r"FBAN/Messenger|FB_IAB/(?:Orca|MESSENGER)|\bMessengerLite", re.I)),
    ("Instagram", re.compile(r"\bInstagram[ /]\d", re.I)),
    ("Facebook", re.compile(r"\bFBAN/|\bFBAV/|\bFB_IAB/|\bFBIOS\b|\bFB4A\b")),
    ("TikTok", re.compile(r"\bmusical_ly|\bBytedanceWebview\b|\bTikTok[ /]\d|\btrill_\d", re.I)),
    ("LinkedIn", re.compile(r"\bLinkedInApp\b", re.I)),
    ("Snapchat", re.compile(r"\bSnapchat/\d", re.I)),
    ("X (Twitter)", re.compile(r"\bTwitter for iP(?:hone|ad)|\bTwitterAndroid\b")),
    ("LINE", re.compile(r"\bLine/\d")),
    ("WeChat", re.compile(r"\bMicroMessenger/", re.I)),
)
IOS = re.compile(r"\b(?:iPhone|iPad|iPod)\b|\biOS\b")
ANDROID = re.compile(r"\bAndroid\b")
# Longer headers are not a browser's: do not spend regular expressions on them.
MAX_USER_AGENT = 1024


def platform_of(user_agent: str) -> Platform:
    """iOS, Android or something else, from a User-Agent."""
    if IOS.search(user_agent):
        return Platform.IOS
    if ANDROID.search(user_agent):
        return Platform.ANDROID
    return Platform.OTHER


def detect(user_agent: str | None) -> InAppBrowser | None:
    """The app whose built-in browser sent this User-Agent, or None for a normal browser."""
    if not user_agent or len(user_agent) > MAX_USER_AGENT:
        return None
    for app, pattern in APPS:
        if pattern.search(user_agent):
            return InAppBrowser(app=app, platform=platform_of(user_agent))
    return None
