extensions = ["myst_parser", "portfolio.profile"]
exclude_patterns = ["_build"]
html_static_path = ["_static"]
portfolio_photo_candidates = ["_static/profile.jpg", "_static/profile.png"]
portfolio_photo_placeholder = "_static/placeholder.svg"
portfolio_profile_links = [
    {"name": "Email", "url": "mailto:someone@example.org", "icon": "fa-solid fa-envelope"},
    {"name": "GitHub", "url": "https://github.com/example", "icon": "fa-brands fa-github"},
]
