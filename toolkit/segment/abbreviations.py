"""Abbreviations after which a full stop does not end a sentence.

Lower case, without the final dot; inner dots stay (``z.b`` matches ``z.B.`` and ``Z.B.``).
Spaced forms (``z. B.``) need no entry: every single letter followed by a dot is treated as an
abbreviation or an initial. Words that are also ordinary words at a sentence end (German *Art*,
*mag*, *Max*; English *am*, *no* at the end of a reply) are left out on purpose: a missed split
costs less than a sentence glued to the next one at every such word.
"""

from __future__ import annotations

GERMAN: frozenset[str] = frozenset(
    """
    abb abs abt allg anm bd bde betr bsp bspw bzgl bzw ca chr d.h d.i dgl dipl dr dt ebd eig engl
    etc ev evang evtl exkl fa ff frl frz gebr gegr gem ggf ggü hbf hl hr hrn hrsg i.a i.allg i.d.r
    i.e i.r i.s i.v inkl ing jh jhd jr jun kap kath lt m.e med mio mrd mwst n.chr nr o.a o.ä o.g
    p.a pkt prof rd s.o s.u sog sogen spez st std str stv tel tsd u.a u.ä u.dgl u.e u.s.w u.u
    u.v.a u.v.m usf usw v.a v.chr vgl vs z.b z.hd z.t z.z z.zt zt zzgl zzt ziff
    """.split()  # noqa: SIM905 (word lists read best as text)
)

ENGLISH: frozenset[str] = frozenset(
    """
    approx apr aug capt cf co col corp dec dept dr e.g est feb fig figs gen gov i.e inc jan jr jul
    jun lt ltd mr mrs ms mt mx nov oct prof rep rev sen sep sept sgt sr st u.k u.n u.s u.s.a vol
    vols vs
    """.split()  # noqa: SIM905 (word lists read best as text)
)

#: Abbreviations that stand before a number and are ordinary words elsewhere: "Art. 5 GG",
#: "No. 10". A full stop after them ends no sentence when a digit follows.
BEFORE_NUMBERS: frozenset[str] = frozenset({"art", "no", "nos", "pp", "vol", "fig", "abs", "kap"})
