"""XML from the network, read safely with lxml (sitemaps, OPML): no entities expanded, no
DTD loaded, nothing fetched, no huge-tree mode. A document that declares its own entities
has that declaration removed first (``parse.strip_internal_subset``), so an entity bomb is
inert text; what lxml cannot read is a ``ContentError`` naming the line."""

from __future__ import annotations

from lxml import etree

from ..errors import ContentError
from .parse import strip_internal_subset


def parse_xml(body: bytes, what: str) -> etree._Element:
    """The root element of ``body``; ``what`` names the document in the error."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True,
                             remove_pis=True, recover=False)
    try:
        root = etree.fromstring(strip_internal_subset(body.lstrip()), parser)
    except etree.XMLSyntaxError as e:
        raise ContentError(f"{what} is not well-formed XML: {e}") from e
    if root is None:
        raise ContentError(f"{what} is empty")
    return root


def local(tag: object) -> str:
    """An element's name without its namespace (``{ns}loc`` -> ``loc``); comments and
    processing instructions have none."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
