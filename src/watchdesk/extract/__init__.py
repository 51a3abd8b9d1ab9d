"""The article in a page: ``page`` orchestrates trafilatura's passes inside our own filters.

``boilerplate`` holds the pure filters (read-also links, promotion boxes, hidden copies,
closing calls to action), ``split_body`` completes articles printed in several containers.
"""
