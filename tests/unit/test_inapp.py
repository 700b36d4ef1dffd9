"""In-app browsers are recognised from real User-Agent strings; normal browsers are not."""

from __future__ import annotations

import pytest

from app.services.inapp import MAX_USER_AGENT, InAppBrowser, Platform, detect, platform_of

IN_APP = {
    "facebook-ios": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.34.109;FBBV/545446434;"
        "FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.1.2;FBSS/3;FBID/phone;FBLC/pl_PL;FBOP/5;"
        "FBRV/547303286]",
        InAppBrowser("Facebook", Platform.IOS),
    ),
    "facebook-android": (
        "Mozilla/5.0 (Linux; Android 13; SM-S911B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 "
        "[FB_IAB/FB4A;FBAV/443.0.0.23.229;]",
        InAppBrowser("Facebook", Platform.ANDROID),
    ),
    "facebook-android-fbav-only": (
        "Mozilla/5.0 (Linux; Android 12; M2101K6G Build/SKQ1.210908.001; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/118.0.5993.111 Mobile Safari/537.36 "
        "FBAV/438.0.0.33.118",
        InAppBrowser("Facebook", Platform.ANDROID),
    ),
    "messenger-ios": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/431.0.0.35.107;FBBV/523012345;"
        "FBDV/iPhone12,1;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/2;FBID/phone;FBLC/pl_PL;FBOP/5]",
        InAppBrowser("Messenger", Platform.IOS),
    ),
    "messenger-android": (
        "Mozilla/5.0 (Linux; Android 11; Redmi Note 8 Pro Build/RP1A.200720.011; wv) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/117.0.5938.153 Mobile "
        "Safari/537.36 [FB_IAB/Orca-Android;FBAV/430.0.0.22.109;]",
        InAppBrowser("Messenger", Platform.ANDROID),
    ),
    "instagram-ios": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 Instagram 309.0.0.28.111 (iPhone13,2; iOS 17_0; pl_PL; "
        "pl-PL; scale=3.00; 1170x2532; 536988435)",
        InAppBrowser("Instagram", Platform.IOS),
    ),
    "instagram-android": (
        "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.66 Mobile Safari/537.36 Instagram "
        "312.0.0.32.112 Android (33/13; 420dpi; 1080x2340; samsung; SM-A536B; a53x; s5e8825; "
        "pl_PL; 548323757)",
        InAppBrowser("Instagram", Platform.ANDROID),
    ),
    "tiktok-ios": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 musical_ly_31.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store "
        "ByteLocale/pl Region/PL ByteFullLocale/pl-PL isDarkMode/0 WKWebView/1 "
        "RevealType/Dialog BytedanceWebview/d8a21c6",
        InAppBrowser("TikTok", Platform.IOS),
    ),
    "tiktok-android": (
        "Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/116.0.5845.163 Mobile Safari/537.36 "
        "trill_2023105030 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/trill "
        "app_version/31.5.3 ByteLocale/pl ByteFullLocale/pl Region/PL AppId/1180 "
        "Spark/1.4.6.3-bugfix AppVersion/31.5.3 BytedanceWebview/d8a21c6",
        InAppBrowser("TikTok", Platform.ANDROID),
    ),
    "tiktok-android-name": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240105.004; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.210 Mobile Safari/537.36 "
        "TikTok 32.9.5 rv:329050 (Pixel 7; Android 14; pl_PL) Cronet",
        InAppBrowser("TikTok", Platform.ANDROID),
    ),
    "linkedin-ios": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 [LinkedInApp]/9.29.8960",
        InAppBrowser("LinkedIn", Platform.IOS),
    ),
    "linkedin-android": (
        "Mozilla/5.0 (Linux; Android 13; Pixel 6 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/118.0.5993.80 Mobile Safari/537.36 "
        "[LinkedInApp]/4.1.881",
        InAppBrowser("LinkedIn", Platform.ANDROID),
    ),
    "snapchat-ios": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 Snapchat/12.58.0.36 (like Safari/8616.2.9.10.8, panda)",
        InAppBrowser("Snapchat", Platform.IOS),
    ),
    "snapchat-android": (
        "Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.66 Mobile Safari/537.36 "
        "Snapchat/12.59.0.39 (SM-G991B; Android 13#G991BXXU9EWJ5#33; gzip; )",
        InAppBrowser("Snapchat", Platform.ANDROID),
    ),
    "twitter-ios": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 Twitter for iPhone/9.61",
        InAppBrowser("X (Twitter)", Platform.IOS),
    ),
    "twitter-android": (
        "Mozilla/5.0 (Linux; Android 12; SM-A525F Build/SP1A.210812.016; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Mobile Safari/537.36 "
        "TwitterAndroid",
        InAppBrowser("X (Twitter)", Platform.ANDROID),
    ),
    "line-ios": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 Safari Line/13.19.1",
        InAppBrowser("LINE", Platform.IOS),
    ),
    "line-android": (
        "Mozilla/5.0 (Linux; Android 13; SO-51C Build/61.2.C.0.113; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.66 Mobile Safari/537.36 "
        "Line/13.19.1/IAB",
        InAppBrowser("LINE", Platform.ANDROID),
    ),
    "wechat-ios": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 MicroMessenger/8.0.42(0x18002a2d) NetType/WIFI "
        "Language/zh_CN",
        InAppBrowser("WeChat", Platform.IOS),
    ),
    "wechat-android": (
        "Mozilla/5.0 (Linux; Android 12; V2134A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 "
        "XWEB/5075 MMWEBSDK/20230701 MMWEBID/2585 MicroMessenger/8.0.40.2420(0x28002837) "
        "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
        InAppBrowser("WeChat", Platform.ANDROID),
    ),
}

BROWSERS = {
    "safari-iphone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
    ),
    "chrome-iphone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) CriOS/119.0.6045.169 Mobile/15E148 Safari/604.1"
    ),
    "chrome-android": (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/119.0.0.0 Mobile Safari/537.36"
    ),
    "samsung-internet": (
        "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like "
        "Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36"
    ),
    "firefox-android": "Mozilla/5.0 (Android 14; Mobile; rv:120.0) Gecko/120.0 Firefox/120.0",
    "firefox-desktop": "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "edge-windows": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/119.0.0.0 Safari/537.36 Edg/119.0.2151.72"
    ),
    "opera-android-online": (
        "Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/118.0.0.0 Mobile Safari/537.36 OPR/78.4.4143.75952 Online/1"
    ),
    "headless-chrome": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/120.0.6099.28 Safari/537.36"
    ),
    "curl": "curl/8.4.0",
}


@pytest.mark.parametrize(("user_agent", "expected"), IN_APP.values(), ids=IN_APP.keys())
def test_in_app_browsers_are_recognised(user_agent: str, expected: InAppBrowser) -> None:
    assert detect(user_agent) == expected


@pytest.mark.parametrize("user_agent", BROWSERS.values(), ids=BROWSERS.keys())
def test_normal_browsers_are_not(user_agent: str) -> None:
    assert detect(user_agent) is None


@pytest.mark.parametrize("user_agent", [None, "", " ", "Mozilla/5.0"])
def test_missing_or_bare_user_agent_is_a_normal_browser(user_agent: str | None) -> None:
    assert detect(user_agent) is None


def test_an_oversized_header_is_ignored() -> None:
    padded = IN_APP["facebook-ios"][0] + " " + "x" * MAX_USER_AGENT
    assert detect(padded) is None


def test_platforms() -> None:
    assert platform_of(BROWSERS["safari-iphone"]) == Platform.IOS
    assert platform_of(BROWSERS["chrome-iphone"]) == Platform.IOS
    assert platform_of(BROWSERS["chrome-android"]) == Platform.ANDROID
    assert platform_of(BROWSERS["firefox-desktop"]) == Platform.OTHER
