"""Cut one packet out of a batch PDF: the batch, less every page that is not the packet's.

A batch holds many people's own pages followed by the pages they share, written by WeasyPrint
in one go (fonts subset once, shared pages drawn once; see :mod:`ladderpress.packets`). A
packet is the batch with everyone else's pages taken out, and with them everything that
points at those pages: their part of the structure tree (a screen reader's headings, lists
and tables), their bookmarks and their link targets. What is left is saved with qpdf (through
pikepdf), which writes only the objects still reachable from the document, so nothing of
anyone else's pages can stay in the file, and packs them into compressed object streams, as
WeasyPrint writes them.

It relies on the shape of WeasyPrint's output: one ``Document`` structure element whose
children each belong to one page (``/Pg``); a flat parent tree; bookmarks and named
destinations that point at pages with explicit ``[page /XYZ x y 0]`` arrays.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, Object


def cut(batch: bytes, keep: Sequence[int], labels: dict[str, str], attached: list[tuple[str, bytes]]) -> bytes:
    """The batch's pages ``keep`` (in order) as a PDF of their own, with the recipe's attachments.

    ``labels`` are the packet's ``/Title`` and ``/Subject``, written over the batch's (the
    stand-in's, which name no one).
    """
    with pikepdf.open(io.BytesIO(batch)) as pdf:
        kept = set(keep)
        for index in reversed(range(len(pdf.pages))):
            if index not in kept:
                del pdf.pages[index]
        pages = {page.obj.objgen for page in pdf.pages}
        _prune_structure(pdf, pages)
        _prune_outline(pdf.Root, pages)
        _prune_destinations(pdf.Root, pages)
        if Name.Title in pdf.docinfo:
            del pdf.docinfo[Name.Title]  # the stand-in's
        for key, value in labels.items():
            pdf.docinfo[Name(key)] = value
        for name, data in attached:
            pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data, filename=name)
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
        return out.getvalue()


def _prune_structure(pdf: pikepdf.Pdf, pages: set[tuple[int, int]]) -> None:
    """Keep the structure elements of the pages kept, and the parent tree's entries that point to them."""
    root = pdf.Root.get(Name.StructTreeRoot)
    if root is None:
        return
    document = root.K[0]
    document.K = Array([kid for kid in document.K if _page_of(kid) in pages])
    keys = {int(page.StructParents) for page in pdf.pages if Name.StructParents in page.obj}
    for page in pdf.pages:
        for annotation in page.obj.get(Name.Annots, Array()):
            if Name.StructParent in annotation:
                keys.add(int(annotation.StructParent))
    nums = root.ParentTree.Nums
    kept = Array()
    for i in range(0, len(nums), 2):
        if int(nums[i]) in keys:
            kept.append(nums[i])
            kept.append(nums[i + 1])
    root.ParentTree.Nums = kept


def _prune_outline(catalog: Object, pages: set[tuple[int, int]]) -> None:
    """Keep the bookmarks that lead to pages kept (a bookmark whose page goes, goes with its children)."""
    outlines = catalog.get(Name.Outlines)
    if outlines is None:
        return
    count = _relink(outlines, pages)
    if count:
        outlines.Count = count
    else:
        del catalog[Name.Outlines]


def _relink(parent: Object, pages: set[tuple[int, int]]) -> int:
    """Drop the children of ``parent`` whose page is gone, link the rest again; how many items are left below it."""
    items = []
    item = parent.get(Name.First)
    while item is not None:
        if _page_of(item.Dest[0]) in pages:
            items.append(item)
        item = item.get(Name.Next)
    for key in (Name.First, Name.Last):
        if key in parent:
            del parent[key]
    total = 0
    for i, item in enumerate(items):
        for key in (Name.Prev, Name.Next):
            if key in item:
                del item[key]
        if i:
            item.Prev = items[i - 1]
        if i + 1 < len(items):
            item.Next = items[i + 1]
        below = _relink(item, pages)
        if Name.Count in item:
            item.Count = below if int(item.Count) >= 0 else -below
        total += 1 + below
    if items:
        parent.First, parent.Last = items[0], items[-1]
    return total


def _prune_destinations(catalog: Object, pages: set[tuple[int, int]]) -> None:
    """Keep the named destinations (link targets) on pages kept."""
    names = catalog.get(Name.Names)
    dests = names.get(Name.Dests) if names is not None else None
    if dests is None:
        return
    assert Name.Kids not in dests, "WeasyPrint writes its destinations as one flat name tree"
    pairs = dests.Names
    dests.Names = Array(
        value for i in range(0, len(pairs), 2) if _page_of(pairs[i + 1][0]) in pages for value in pairs[i : i + 2]
    )


def _page_of(obj: Object) -> tuple[int, int]:
    """The page an element, bookmark target or page itself stands on, as its object number."""
    if isinstance(obj, Dictionary) and Name.Pg in obj:
        return obj.Pg.objgen
    return obj.objgen
