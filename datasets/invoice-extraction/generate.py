#!/usr/bin/env python3
"""Generate datasets/invoice-extraction/v1.jsonl and dataset.yaml.

Deterministic: Python 3.11 standard library only, fixed seed. Rerunning it reproduces byte-identical
files. The vendors, item catalogues, layouts and wording below were written for this dataset (CC0-1.0);
every company, person, address, bank and tax number is fictional.

Each case is one plain-text document (formal invoice, billing email, forwarded email, OCR'd till
receipt, SaaS receipt, freelancer invoice or account statement) rendered from a computed invoice, so the
expected object is exact. Field rules (also in the manifest description):
  vendor          the issuing business exactly as its name is printed in the document
  invoice_number  the invoice / receipt / bill number (not an order, PO, customer or account number)
  date            the issue date, ISO YYYY-MM-DD; numeric dates are read in the vendor's locale
  currency        ISO 4217 code of the amounts
  total           the document's grand total including tax, shipping and discounts; not the subtotal, and
                  not a balance due that differs because of a deposit, payment, credit or earlier balance
  due_date        payment due date, ISO, or null when the document states none
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import textwrap
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SEED = 11
NAME = "invoice-extraction"
CREATED = "2026-11-25"
HERE = Path(__file__).resolve().parent

TWO = Decimal("0.01")

# ----------------------------------------------------------------------------------------------------
# Locales: date and number conventions
# ----------------------------------------------------------------------------------------------------

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
    "sv": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"],
}
WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

# Date formats by locale. Codes: see fmt_date().
DATE_FORMATS = {
    "US": ["m/d/Y", "m/d/Y", "Month d, Y", "Mon d, Y", "Y-m-d", "m/d/y", "mm/dd/Y"],
    "UK": ["dd/mm/Y", "dd/mm/Y", "d Month Y", "d Mon Y", "dd-Mon-Y", "dth Month Y", "d/m/y"],
    "IE": ["dd/mm/Y", "d Month Y", "d Mon Y", "dd/mm/y"],
    "AU": ["dd/mm/Y", "d Month Y", "d Mon Y", "dd/mm/y"],
    "NZ": ["dd/mm/Y", "d Month Y", "d Mon Y"],
    "IN": ["dd-mm-Y", "dd/mm/Y", "d Mon Y", "dd.mm.Y"],
    "DE": ["dd.mm.Y", "dd.mm.Y", "d. Month Y", "dd.mm.y"],
    "CH": ["dd.mm.Y", "d. Month Y", "dd.mm.y"],
    "FR": ["dd/mm/Y", "dd/mm/Y", "d Month Y"],
    "ES": ["dd/mm/Y", "d de Month de Y", "dd-mm-Y"],
    "IT": ["dd/mm/Y", "d Month Y", "dd.mm.Y"],
    "NL": ["dd-mm-Y", "dd-mm-Y", "d Month Y", "dd/mm/Y"],
    "CA": ["Y-m-d", "Month d, Y", "Mon d, Y"],
    "JP": ["Y/mm/dd", "Y-m-d", "d Mon Y", "Y年m月d日"],
    "SE": ["Y-m-d", "Y-m-d", "d Month Y"],
}
NUMERIC_AMBIGUOUS = {"m/d/Y", "mm/dd/Y", "m/d/y", "dd/mm/Y", "d/m/y", "dd/mm/y", "dd-mm-Y", "dd.mm.Y", "dd.mm.y"}

# Number style by locale: us 1,234.56 | eu 1.234,56 | fr 1 234,56 | ch 1'234.56 | in 1,23,456.78
NUMBER_STYLE = {"US": "us", "UK": "us", "IE": "us", "AU": "us", "NZ": "us", "CA": "us", "JP": "us", "IN": "in",
                "DE": "eu", "ES": "eu", "IT": "eu", "NL": "eu", "FR": "fr", "SE": "fr", "CH": "ch"}

CURRENCY_SIGNS = {
    "USD": ["$", "USD ", "US$"], "GBP": ["£", "GBP "], "EUR": ["€", "EUR ", "€ "], "CHF": ["CHF ", "Fr. "],
    "CAD": ["$", "CAD ", "C$"], "AUD": ["$", "AUD ", "A$"], "NZD": ["$", "NZD ", "NZ$"], "JPY": ["¥", "JPY ", "￥"],
    "INR": ["₹", "Rs. ", "INR "], "SEK": [" kr", "SEK ", " SEK"],
}
ZERO_DECIMAL = {"JPY"}


def fmt_date(d: dt.date, code: str, lang: str) -> str:
    months = MONTHS.get(lang, MONTHS["en"])
    en = MONTHS["en"]
    if code == "m/d/Y":
        return f"{d.month}/{d.day}/{d.year}"
    if code == "mm/dd/Y":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if code == "m/d/y":
        return f"{d.month}/{d.day}/{d.year % 100:02d}"
    if code == "Month d, Y":
        return f"{en[d.month - 1]} {d.day}, {d.year}"
    if code == "Mon d, Y":
        return f"{en[d.month - 1][:3]} {d.day}, {d.year}"
    if code == "Y-m-d":
        return d.isoformat()
    if code == "dd/mm/Y":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if code == "d/m/y":
        return f"{d.day}/{d.month}/{d.year % 100:02d}"
    if code == "dd/mm/y":
        return f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}"
    if code == "d Month Y":
        return f"{d.day} {months[d.month - 1]} {d.year}"
    if code == "d Mon Y":
        return f"{d.day} {en[d.month - 1][:3]} {d.year}"
    if code == "dd-Mon-Y":
        return f"{d.day:02d}-{en[d.month - 1][:3]}-{d.year}"
    if code == "dth Month Y":
        suffix = "th" if 11 <= d.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
        return f"{d.day}{suffix} {en[d.month - 1]} {d.year}"
    if code == "dd-mm-Y":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if code == "dd.mm.Y":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if code == "dd.mm.y":
        return f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}"
    if code == "d. Month Y":
        return f"{d.day}. {months[d.month - 1]} {d.year}"
    if code == "d de Month de Y":
        return f"{d.day} de {months[d.month - 1]} de {d.year}"
    if code == "Y/mm/dd":
        return f"{d.year}/{d.month:02d}/{d.day:02d}"
    if code == "Y年m月d日":
        return f"{d.year}年{d.month}月{d.day}日"
    raise ValueError(code)


def fmt_num(value: Decimal, style: str, decimals: int = 2, grouping: bool = True) -> str:
    q = value.quantize(Decimal(1) if decimals == 0 else TWO, rounding=ROUND_HALF_UP)
    neg = q < 0
    q = abs(q)
    whole, _, frac = f"{q:.{decimals}f}".partition(".")
    if grouping:
        if style == "in" and len(whole) > 3:
            head, tail = whole[:-3], whole[-3:]
            groups = []
            while len(head) > 2:
                groups.insert(0, head[-2:])
                head = head[:-2]
            if head:
                groups.insert(0, head)
            whole = ",".join(groups + [tail])
        else:
            sep = {"us": ",", "in": ",", "eu": ".", "fr": " ", "ch": "'"}[style]
            parts = []
            while len(whole) > 3:
                parts.insert(0, whole[-3:])
                whole = whole[:-3]
            parts.insert(0, whole)
            whole = sep.join(parts)
    dec = "," if style in ("eu", "fr") else "."
    out = whole + (dec + frac if decimals else "")
    return ("-" if neg else "") + out


# ----------------------------------------------------------------------------------------------------
# Language labels
# ----------------------------------------------------------------------------------------------------

LBL = {
    "en": {
        "invoice": ["INVOICE", "Invoice", "TAX INVOICE", "I N V O I C E"],
        "inv_no": ["Invoice No.", "Invoice #", "Invoice Number", "Invoice no:", "Inv. No."],
        "date": ["Invoice Date", "Date", "Issue Date", "Date of issue", "Invoice date"],
        "due": ["Due Date", "Payment Due", "Due", "Pay by", "Due date"],
        "bill_to": ["Bill To", "Invoice To", "Billed To", "Customer", "To"],
        "desc": ["Description", "Item", "Details"], "qty": ["Qty", "Quantity", "Units"],
        "unit": ["Unit Price", "Rate", "Price"], "amount": ["Amount", "Line Total", "Total"],
        "subtotal": ["Subtotal", "Sub-total", "Net total", "Total excl. tax", "Net"],
        "total": ["Total", "TOTAL", "Invoice Total", "Grand Total", "Total Amount", "Total incl. tax"],
        "shipping": ["Shipping", "Delivery", "Carriage", "Freight"],
        "discount": ["Discount", "Less discount", "Trade discount"],
        "paid": ["Less deposit received", "Amount paid", "Payments received", "Less: paid on account"],
        "balance": ["Balance Due", "Amount Due", "Balance outstanding", "Amount due now", "Balance"],
        "po": ["PO Number", "Your ref.", "Purchase Order", "PO #", "Order ref"],
        "cust": ["Customer No.", "Account No.", "Client ID", "Customer ID"],
        "thanks": ["Thank you for your business.", "Thanks for your custom!", "We appreciate your business.",
                   "Thank you!", "Questions? Reply to this email or call us."],
        "terms": ["Payment terms: {n} days", "Terms: Net {n}", "Payment due within {n} days of the invoice date",
                  "Terms: {n} days from invoice"],
        "bank": ["Bank details", "Payment details", "Remit to", "How to pay"],
        "incl_tax": "incl.",
    },
    "de": {
        "invoice": ["RECHNUNG", "Rechnung"],
        "inv_no": ["Rechnungsnummer", "Rechnungs-Nr.", "Re.-Nr.", "Rechnung Nr."],
        "date": ["Rechnungsdatum", "Datum", "Rechnungs-Datum"],
        "due": ["Fällig am", "Zahlbar bis", "Fälligkeitsdatum", "Zahlungsziel"],
        "bill_to": ["Rechnungsempfänger", "An", "Kunde"],
        "desc": ["Bezeichnung", "Beschreibung", "Leistung"], "qty": ["Menge", "Anz."],
        "unit": ["Einzelpreis", "E-Preis"], "amount": ["Betrag", "Gesamt"],
        "subtotal": ["Zwischensumme", "Nettobetrag", "Summe netto"],
        "total": ["Gesamtbetrag", "Rechnungsbetrag", "Summe brutto", "Endbetrag"],
        "shipping": ["Versand", "Versandkosten", "Fracht"],
        "discount": ["Rabatt", "Nachlass"],
        "paid": ["Anzahlung erhalten", "Bereits bezahlt", "abzgl. Abschlagszahlung"],
        "balance": ["Offener Betrag", "Noch zu zahlen", "Zahlbetrag"],
        "po": ["Ihre Bestellnummer", "Ihr Zeichen", "Bestell-Nr."],
        "cust": ["Kundennummer", "Kunden-Nr."],
        "thanks": ["Vielen Dank für Ihren Auftrag.", "Wir danken für Ihr Vertrauen.", "Vielen Dank für Ihren Einkauf!"],
        "terms": ["Zahlbar innerhalb von {n} Tagen ohne Abzug.", "Zahlungsziel: {n} Tage netto"],
        "bank": ["Bankverbindung", "Zahlung an"],
        "incl_tax": "inkl.",
    },
    "fr": {
        "invoice": ["FACTURE", "Facture"],
        "inv_no": ["N° de facture", "Facture n°", "Numéro de facture", "Réf. facture"],
        "date": ["Date de facture", "Date", "Date d'émission", "Émise le"],
        "due": ["Date d'échéance", "Échéance", "À régler avant le", "Date limite de paiement"],
        "bill_to": ["Client", "Facturé à", "Destinataire"],
        "desc": ["Désignation", "Description"], "qty": ["Qté", "Quantité"],
        "unit": ["P.U. HT", "Prix unitaire"], "amount": ["Montant HT", "Total HT"],
        "subtotal": ["Total HT", "Montant HT", "Sous-total HT"],
        "total": ["Total TTC", "Montant TTC", "TOTAL TTC"],
        "shipping": ["Frais de port", "Livraison"],
        "discount": ["Remise", "Escompte"],
        "paid": ["Acompte versé", "Déjà réglé", "Acompte reçu"],
        "balance": ["Net à payer", "Reste à payer", "Solde dû"],
        "po": ["Votre référence", "Bon de commande", "Réf. commande"],
        "cust": ["N° client", "Code client"],
        "thanks": ["Merci de votre confiance.", "Merci pour votre commande.", "À bientôt !"],
        "terms": ["Paiement à {n} jours.", "Conditions de paiement : {n} jours net"],
        "bank": ["Coordonnées bancaires", "Règlement par virement"],
        "incl_tax": "dont",
    },
    "nl": {
        "invoice": ["FACTUUR", "Factuur"],
        "inv_no": ["Factuurnummer", "Factuurnr.", "Factuur nr."],
        "date": ["Factuurdatum", "Datum"],
        "due": ["Vervaldatum", "Te betalen voor", "Uiterste betaaldatum"],
        "bill_to": ["Factuuradres", "Aan", "Klant"],
        "desc": ["Omschrijving"], "qty": ["Aantal"], "unit": ["Prijs", "Stukprijs"], "amount": ["Bedrag", "Totaal"],
        "subtotal": ["Subtotaal", "Totaal excl. btw"],
        "total": ["Totaal", "Totaalbedrag", "Totaal incl. btw", "Te voldoen"],
        "shipping": ["Verzendkosten", "Bezorging"],
        "discount": ["Korting"],
        "paid": ["Reeds betaald", "Aanbetaling"],
        "balance": ["Openstaand bedrag", "Nog te betalen"],
        "po": ["Uw referentie", "Ordernummer", "Inkoopordernr."],
        "cust": ["Klantnummer", "Debiteurnr."],
        "thanks": ["Bedankt voor uw opdracht.", "Hartelijk dank voor uw bestelling."],
        "terms": ["Betaling binnen {n} dagen na factuurdatum.", "Betalingstermijn: {n} dagen"],
        "bank": ["Bankgegevens", "Betaalgegevens"],
        "incl_tax": "incl.",
    },
    "es": {
        "invoice": ["FACTURA", "Factura"],
        "inv_no": ["Nº de factura", "Factura nº", "Número de factura", "Factura"],
        "date": ["Fecha de emisión", "Fecha", "Fecha factura"],
        "due": ["Fecha de vencimiento", "Vencimiento", "Pagar antes del"],
        "bill_to": ["Cliente", "Facturar a", "Datos del cliente"],
        "desc": ["Concepto", "Descripción"], "qty": ["Cant.", "Unidades"], "unit": ["Precio", "Precio unit."],
        "amount": ["Importe"],
        "subtotal": ["Base imponible", "Subtotal"],
        "total": ["Total", "Total factura", "TOTAL"],
        "shipping": ["Portes", "Gastos de envío"],
        "discount": ["Descuento", "Dto."],
        "paid": ["Anticipo recibido", "Pagado a cuenta"],
        "balance": ["Importe pendiente", "Total a pagar", "Pendiente"],
        "po": ["Su referencia", "Pedido nº", "Ref. pedido"],
        "cust": ["Nº cliente", "Código cliente"],
        "thanks": ["Gracias por su confianza.", "Gracias por su pedido."],
        "terms": ["Forma de pago: transferencia a {n} días.", "Pago a {n} días fecha factura."],
        "bank": ["Datos bancarios", "Forma de pago"],
        "incl_tax": "incl.",
    },
}

# ----------------------------------------------------------------------------------------------------
# Vendors. Each is a cluster: several documents from the same business, in its own habits.
# ----------------------------------------------------------------------------------------------------


def V(**kw):
    kw.setdefault("lang", "en")
    kw.setdefault("alt_currencies", [])
    kw.setdefault("tax_inclusive", False)
    kw.setdefault("terms", [14, 30])
    kw.setdefault("split", "test")
    kw.setdefault("ships", False)  # sells goods, so an invoice can carry a shipping line
    return kw


VENDORS = [
    V(name="Cobalt Ridge Software, Inc.", locale="US", currency="USD", alt_currencies=["EUR", "GBP"],
      address=["1420 Alder Street, Suite 300", "Portland, OR 97205", "United States"], phone="+1 503 555 0142",
      taxid=("EIN", "93-4417206"), domain="cobaltridge.io", inv="CRS-{Y}-{seq:05d}", seq0=1830,
      layouts={"saas": 5, "email": 3, "formal": 2}, taxes=[], terms=[None, 14, 30], n=11,
      items=[("Team plan - monthly (per seat)", 18, 25, "seat"), ("Business plan - annual", 1900, 4800, ""),
             ("Additional storage 500 GB", 20, 40, ""), ("Priority support add-on", 99, 199, ""),
             ("API overage (per 10k calls)", 3, 6, "")]),
    V(name="Pinecrest Print & Sign", ships=True, locale="US", currency="USD",
      address=["88 Commerce Way", "Dayton, OH 45402", "USA"], phone="(937) 555-0188", taxid=None,
      domain="pinecrestprint.com", inv="{seq}", seq0=20412, layouts={"formal": 5, "email": 4},
      taxes=[("Sales Tax 7.25%", Decimal("7.25"))], terms=[15, 30, None], n=10,
      items=[("Vinyl banner 3x8 ft", 85, 140, ""), ("Business cards 500 ct, 16pt matte", 45, 70, ""),
             ("Tri-fold brochures (1,000)", 260, 420, ""), ("Yard signs 18x24 w/ stakes", 9, 14, "ea"),
             ("Design / layout time", 55, 75, "hr"), ("Vehicle door decals (pair)", 120, 180, "")]),
    V(name="Lakeshore Janitorial LLC", locale="US", currency="USD",
      address=["5502 N. Harbor Rd", "Milwaukee, WI 53211", "United States"], phone="414-555-0173",
      taxid=("Tax ID", "39-2281745"), domain="lakeshorejanitorial.com", inv="LJ-{seq:04d}", seq0=3310,
      layouts={"formal": 4, "statement": 3, "email": 2}, taxes=[], terms=[30, 30, 45], n=9,
      items=[("Nightly office cleaning - monthly contract", 1800, 3600, ""), ("Carpet extraction", 0.28, 0.4, "sq ft"),
             ("Window cleaning (interior)", 180, 320, ""), ("Restroom supplies restock", 90, 160, ""),
             ("Floor strip & wax", 0.45, 0.65, "sq ft")]),
    V(name="Redwood Analytics", locale="US", currency="USD",
      address=["200 Montgomery St, Floor 9", "San Francisco, CA 94104", "USA"], phone="+1 415 555 0119",
      taxid=None, domain="redwoodanalytics.co", inv="RA{Y}{seq:03d}", seq0=41,
      layouts={"formal": 3, "email": 4, "forwarded": 2}, taxes=[], terms=[30, 45, 60], n=9,
      items=[("Data pipeline audit", 6000, 14000, ""), ("Analytics consulting", 185, 240, "hr"),
             ("Dashboard build - Phase 2", 8000, 16000, ""), ("Workshop facilitation (1 day)", 2400, 3200, "")]),
    V(name="Maple & Main Hardware", locale="US", currency="USD",
      address=["301 Main St", "Burlington, VT 05401", "USA"], phone="802-555-0155", taxid=None,
      domain="mapleandmain.com", inv="{seq}", seq0=118200, layouts={"receipt": 1},
      taxes=[("VT SALES TAX 6%", Decimal("6"))], terms=[None], n=8,
      items=[("DECK SCREWS 5LB", 24, 32, ""), ("WD-40 11OZ", 6, 9, ""), ("PAINT ROLLER KIT", 11, 16, ""),
             ("LED BULB 4PK", 9, 14, ""), ("KEY CUT", 2.5, 4, ""), ("EXT CORD 25FT", 17, 24, ""),
             ("DUCT TAPE", 5, 8, ""), ("SANDPAPER ASST", 7, 10, "")]),
    V(name="Greenleaf Organic Grocers", locale="US", currency="USD",
      address=["77 Bloomfield Ave", "Montclair, NJ 07042", "USA"], phone="(973) 555-0131", taxid=None,
      domain="greenleafgrocers.com", inv="{seq}", seq0=55021, layouts={"receipt": 1},
      taxes=[("NJ TAX 6.625%", Decimal("6.625"))], terms=[None], n=8,
      items=[("ORG BANANAS", 1.5, 3, ""), ("OAT MILK 64OZ", 4, 6, ""), ("SOURDOUGH LOAF", 6, 8, ""),
             ("AVOCADO HASS", 1.5, 2.5, ""), ("COLD BREW 32OZ", 7, 10, ""), ("KOMBUCHA", 3.5, 5, ""),
             ("PAPER TOWELS 6PK", 9, 13, "")]),
    V(name="Summit Peak Legal PLLC", locale="US", currency="USD",
      address=["1700 Lincoln St, Suite 2400", "Denver, CO 80203", "United States"], phone="303.555.0164",
      taxid=None, domain="summitpeaklegal.com", inv="SPL-{seq}", seq0=7702,
      layouts={"formal": 4, "statement": 2}, taxes=[], terms=[30], n=9,
      items=[("Professional services - contract review", 325, 450, "hr"), ("Paralegal time", 140, 175, "hr"),
             ("Filing fees (disbursement)", 50, 300, ""), ("Courier (disbursement)", 25, 60, "")]),
    V(name="Kestrel Print Co.", ships=True, locale="UK", currency="GBP",
      address=["Unit 4, Wharf Road Industrial Estate", "Leeds LS9 8BX", "United Kingdom"], phone="0113 496 0123",
      taxid=("VAT Reg No.", "GB 284 1937 55"), domain="kestrelprint.co.uk", inv="KP/{y}/{seq:04d}", seq0=112,
      layouts={"formal": 4, "email": 3, "forwarded": 2}, taxes=[("VAT 20%", Decimal("20"))], terms=[30, 14], n=10,
      items=[("A5 flyers, 130gsm gloss (2,500)", 85, 140, ""), ("Roller banner 850x2000", 55, 90, ""),
             ("Letterheads 100gsm (1,000)", 60, 95, ""), ("Artwork amendments", 35, 45, "hr"),
             ("Foil-blocked business cards (250)", 70, 110, "")]),
    V(name="Thistle & Pine Catering Ltd", locale="UK", currency="GBP",
      address=["12 Canongate", "Edinburgh EH8 8BN", "Scotland, UK"], phone="+44 131 496 0456",
      taxid=("VAT No", "GB 731 4402 19"), domain="thistleandpine.scot", inv="TP-{seq:05d}", seq0=880,
      layouts={"formal": 4, "email": 3}, taxes=[("VAT @ 20%", Decimal("20"))], terms=[14, 7, 30], n=9,
      items=[("Working lunch buffet", 14, 22, "head"), ("Canapé reception", 18, 30, "head"),
             ("Tea, coffee & pastries", 5, 8, "head"), ("Waiting staff", 18, 24, "hr"), ("Crockery hire", 1, 2, "cover")]),
    V(name="Brackenbury Electrical", locale="UK", currency="GBP",
      address=["27 Station Approach", "Reading RG1 1LX", "England"], phone="07700 900481",
      taxid=None, domain="brackenburyelectrical.co.uk", inv="BE{seq:04d}", seq0=615,
      layouts={"freelancer": 4, "formal": 3, "email": 2}, taxes=[], terms=[7, 14, None], n=9,
      items=[("Consumer unit replacement (18th Ed.)", 420, 650, ""), ("EICR inspection & certificate", 140, 220, ""),
             ("Install 2x double sockets", 90, 140, ""), ("Labour", 45, 60, "hr"), ("Materials", 30, 180, "")]),
    V(name="Old Mill Coffee Roasters", ships=True, locale="UK", currency="GBP",
      address=["3 Mill Lane", "Bristol BS1 6QA", "United Kingdom"], phone="0117 496 0777",
      taxid=("VAT", "GB 402 8815 73"), domain="oldmillcoffee.co.uk", inv="{seq}", seq0=40112,
      layouts={"receipt": 4, "email": 2}, taxes=[("VAT 20%", Decimal("20"))], tax_inclusive=True, terms=[None], n=8,
      items=[("Flat white", 3.2, 3.8, ""), ("Oat latte", 3.6, 4.2, ""), ("Almond croissant", 3.1, 3.6, ""),
             ("House blend 250g", 8.5, 11, ""), ("Cortado", 2.9, 3.3, ""), ("Banana bread", 2.8, 3.4, "")]),
    V(name="Saltmarsh Design Studio", locale="UK", currency="GBP",
      address=["The Old Chapel, 9 Quay Street", "Woodbridge IP12 1BX", "Suffolk, UK"], phone="+44 7700 900214",
      taxid=None, domain="saltmarsh.design", inv="SDS-{Y}-{seq:03d}", seq0=14,
      layouts={"freelancer": 5, "email": 3}, taxes=[], terms=[14, 30], n=10, split="train",
      items=[("Brand identity - logo concepts", 900, 1800, ""), ("Website design (5 templates)", 2200, 3600, ""),
             ("Illustration", 40, 55, "hr"), ("Social media asset pack", 350, 600, "")]),
    V(name="Quillfeather Translations", locale="UK", currency="GBP", alt_currencies=["EUR"],
      address=["Flat 2, 41 Marchmont Street", "London WC1N 1AP", "UK"], phone="+44 20 7946 0311",
      taxid=("VAT Reg.", "GB 119 6620 84"), domain="quillfeather.co.uk", inv="Q{seq:05d}", seq0=2310,
      layouts={"freelancer": 3, "email": 3, "formal": 2}, taxes=[("VAT 20%", Decimal("20"))], terms=[30], n=8,
      items=[("Translation DE>EN (per 1,000 words)", 95, 130, ""), ("Proofreading", 35, 45, "hr"),
             ("Certified translation - birth certificate", 45, 65, ""), ("Rush surcharge", 40, 90, "")]),
    V(name="Liffey Cloud Hosting", locale="IE", currency="EUR", alt_currencies=["USD", "GBP"],
      address=["Block C, Grand Canal Quay", "Dublin 2, D02 X576", "Ireland"], phone="+353 1 555 0102",
      taxid=("VAT", "IE 3876512KH"), domain="liffeycloud.ie", inv="LCH-{seq:06d}", seq0=204551,
      layouts={"saas": 4, "statement": 3, "email": 2}, taxes=[("VAT 23%", Decimal("23"))], terms=[None, 14], n=10,
      items=[("VPS Standard 4 vCPU / 8 GB", 24, 38, ""), ("Managed database (PostgreSQL)", 49, 79, ""),
             ("Object storage 1 TB", 18, 25, ""), ("Bandwidth overage", 0.04, 0.07, "GB"), ("Daily backups", 6, 12, "")]),
    V(name="Brückner Bürotechnik GmbH", ships=True, locale="DE", currency="EUR", lang="de",
      address=["Hafenstraße 17", "28217 Bremen", "Deutschland"], phone="+49 421 555 3870",
      taxid=("USt-IdNr.", "DE 287 441 902"), domain="brueckner-buerotechnik.de", inv="RE-{Y}-{seq:04d}", seq0=311,
      layouts={"formal": 5, "email": 2}, taxes=[("MwSt. 19 %", Decimal("19"))], terms=[14, 30], n=10,
      items=[("Multifunktionsdrucker MX-420, Leasingrate", 89, 140, ""), ("Tonerkartusche schwarz", 65, 95, ""),
             ("Wartungspauschale", 120, 180, ""), ("Kopien s/w (Zählerstand)", 0.012, 0.02, "Stk"),
             ("Technikereinsatz", 85, 110, "Std.")]),
    V(name="Café Sonnenblick", locale="DE", currency="EUR", lang="de",
      address=["Marktplatz 3", "79098 Freiburg", "Deutschland"], phone="0761 555 2291",
      taxid=("St.-Nr.", "07016/55012"), domain="cafe-sonnenblick.de", inv="{seq}", seq0=7702,
      layouts={"receipt": 1}, taxes=[("MwSt 19%", Decimal("19"))], tax_inclusive=True, terms=[None], n=8,
      items=[("Milchkaffee", 3.6, 4.2, ""), ("Apfelstrudel", 4.2, 4.9, ""), ("Cappuccino", 3.2, 3.7, ""),
             ("Käsekuchen", 3.9, 4.5, ""), ("Apfelschorle 0,4", 3.4, 3.9, ""), ("Frühstück Sonnenblick", 11, 14, "")]),
    V(name="Weidemann Steuerberatung", locale="DE", currency="EUR", lang="de",
      address=["Königsallee 60", "40212 Düsseldorf", "Germany"], phone="+49 211 555 4420",
      taxid=("USt-IdNr.", "DE 301 882 417"), domain="weidemann-stb.de", inv="{Y}/{seq:04d}", seq0=92,
      layouts={"formal": 4, "email": 3, "forwarded": 1}, taxes=[("USt. 19 %", Decimal("19"))], terms=[14, None], n=9, split="train",
      items=[("Finanzbuchhaltung (Monatspauschale)", 280, 450, ""), ("Lohnabrechnung", 22, 30, "MA"),
             ("Jahresabschluss", 1800, 3200, ""), ("Beratung nach Zeitaufwand", 120, 160, "Std.")]),
    V(name="Atelier Lumière SARL", locale="FR", currency="EUR", lang="fr",
      address=["14 rue des Tanneurs", "69002 Lyon", "France"], phone="+33 4 55 50 12 34",
      taxid=("N° TVA", "FR 42 815 330 912"), domain="atelier-lumiere.fr", inv="F{Y}-{seq:04d}", seq0=207,
      layouts={"formal": 5, "email": 2}, taxes=[("TVA 20 %", Decimal("20"))], terms=[30, 45], n=9,
      items=[("Shooting photo produit (demi-journée)", 450, 700, ""), ("Retouche photo", 8, 15, "image"),
             ("Location studio", 60, 90, "h"), ("Frais de déplacement", 40, 120, "")]),
    V(name="Boulangerie Marchand", locale="FR", currency="EUR", lang="fr",
      address=["5 place du Marché", "44000 Nantes", "France"], phone="02 40 55 18 27",
      taxid=("SIRET", "512 784 330 00019"), domain="boulangerie-marchand.fr", inv="{seq}", seq0=10331,
      layouts={"receipt": 1}, taxes=[("TVA 5,5%", Decimal("5.5"))], tax_inclusive=True, terms=[None], n=7,
      items=[("Baguette tradition", 1.2, 1.4, ""), ("Croissant", 1.1, 1.3, ""), ("Pain aux céréales", 3.2, 4, ""),
             ("Tarte aux pommes", 14, 19, ""), ("Pain au chocolat", 1.2, 1.4, ""), ("Éclair café", 2.6, 3.1, "")]),
    V(name="Transports Girard & Fils", locale="FR", currency="EUR", lang="fr",
      address=["ZA des Quatre Vents", "31150 Fenouillet", "France"], phone="+33 5 55 61 44 20",
      taxid=("TVA intracom.", "FR 07 432 118 665"), domain="girard-transports.fr", inv="TGF{seq:06d}", seq0=55120,
      layouts={"formal": 4, "forwarded": 2, "email": 1}, taxes=[("TVA 20%", Decimal("20"))], terms=[30, 45, 60], n=8,
      items=[("Transport Toulouse > Bordeaux, semi complet", 650, 900, ""), ("Messagerie palette", 75, 120, "pal."),
             ("Surcharge gazole", 35, 80, ""), ("Attente chargement", 45, 60, "h")]),
    V(name="Van Dijk Installatietechniek B.V.", locale="NL", currency="EUR", lang="nl",
      address=["Industrieweg 44", "3542 AD Utrecht", "Nederland"], phone="+31 30 555 7612",
      taxid=("BTW-nr", "NL861203947B01"), domain="vandijk-installatie.nl", inv="{Y}{seq:04d}", seq0=188,
      layouts={"formal": 5, "email": 2}, taxes=[("BTW 21%", Decimal("21"))], terms=[14, 30], n=9,
      items=[("Onderhoud cv-ketel", 95, 140, ""), ("Vervangen expansievat", 160, 240, ""), ("Arbeidsloon", 55, 72, "uur"),
             ("Voorrijkosten", 35, 45, ""), ("Warmtepomp installatie", 4200, 7800, "")]),
    V(name="Grachtenhuis Events", locale="NL", currency="EUR",
      address=["Keizersgracht 312", "1016 EZ Amsterdam", "The Netherlands"], phone="+31 20 555 1903",
      taxid=("VAT", "NL004417820B21"), domain="grachtenhuis-events.nl", inv="GE-{Y}-{seq:03d}", seq0=64,
      layouts={"email": 4, "formal": 3}, taxes=[("VAT 21%", Decimal("21"))], terms=[14, 30], n=9, split="train",
      items=[("Venue hire - canal house, full day", 2400, 3900, ""), ("Catering per guest", 45, 75, "guest"),
             ("AV package", 450, 800, ""), ("Event coordinator", 65, 85, "hr")]),
    V(name="Suministros Ortega S.L.", ships=True, locale="ES", currency="EUR", lang="es",
      address=["Calle de la Industria 22, Nave 5", "46980 Paterna (Valencia)", "España"], phone="+34 961 555 208",
      taxid=("CIF", "B-46812330"), domain="suministros-ortega.es", inv="{Y}-{seq:05d}", seq0=1420,
      layouts={"formal": 5, "email": 2}, taxes=[("IVA 21%", Decimal("21"))], terms=[30, 60], n=9,
      items=[("Tubo PVC 110 mm (barra 3 m)", 9, 14, "ud"), ("Cemento cola saco 25 kg", 6, 9, "ud"),
             ("Azulejo porcelánico 60x60", 18, 28, "m²"), ("Transporte obra", 45, 80, ""), ("Grifo monomando", 38, 70, "ud")]),
    V(name="Tipografia Bellini", ships=True, locale="IT", currency="EUR",
      address=["Via dei Mille 18", "40121 Bologna BO", "Italy"], phone="+39 051 555 4471",
      taxid=("P.IVA", "IT 03318840371"), domain="tipografiabellini.it", inv="{seq}/{Y}", seq0=38,
      layouts={"formal": 4, "email": 2}, taxes=[("IVA 22%", Decimal("22"))], terms=[30, 60], n=8,
      items=[("Wedding invitations, letterpress (100)", 380, 620, ""), ("Catalogue print run, 48pp", 2100, 3400, ""),
             ("Paper upgrade - cotton 600gsm", 90, 160, ""), ("Proofs", 25, 40, "")]),
    V(name="Alpenblick Treuhand AG", locale="CH", currency="CHF", alt_currencies=["EUR"],
      address=["Bahnhofstrasse 41", "6003 Luzern", "Schweiz"], phone="+41 41 555 82 10",
      taxid=("MWST-Nr.", "CHE-318.442.907 MWST"), domain="alpenblick-treuhand.ch", inv="AT-{seq:05d}", seq0=4410,
      layouts={"formal": 5, "email": 2}, taxes=[("MWST 8.1%", Decimal("8.1"))], terms=[30], n=9,
      items=[("Buchführung Quartal", 900, 1600, ""), ("Steuererklärung natürliche Person", 450, 800, ""),
             ("Beratung", 160, 220, "Std."), ("Lohnbuchhaltung", 35, 50, "MA")]),
    V(name="Northern Loon Web Services", locale="CA", currency="CAD", alt_currencies=["USD"],
      address=["455 Rue Saint-Antoine O", "Montréal, QC H2Z 1J1", "Canada"], phone="+1 514 555 0190",
      taxid=("GST/HST No.", "81234 5678 RT0001"), domain="northernloon.ca", inv="NL-{seq:05d}", seq0=9021,
      layouts={"saas": 4, "email": 3, "formal": 1},
      taxes=[("GST 5%", Decimal("5")), ("QST 9.975%", Decimal("9.975"))], terms=[None, 15], n=9,
      items=[("Managed WordPress - Pro", 39, 69, ""), ("Domain renewal (.ca)", 18, 25, ""), ("SSL certificate", 49, 89, ""),
             ("Developer support block (5 h)", 375, 475, "")]),
    V(name="Fraser Valley Plumbing Ltd.", locale="CA", currency="CAD",
      address=["33410 South Fraser Way", "Abbotsford, BC V2S 2C1", "Canada"], phone="604-555-0137",
      taxid=("GST #", "70551 2284 RT0001"), domain="fraservalleyplumbing.ca", inv="FVP{seq}", seq0=2604,
      layouts={"formal": 4, "email": 2, "freelancer": 1},
      taxes=[("GST 5%", Decimal("5")), ("PST 7%", Decimal("7"))], terms=[15, 30, None], n=8,
      items=[("Hot water tank replacement 50 gal", 1400, 2100, ""), ("Service call", 95, 125, ""),
             ("Labour", 105, 130, "hr"), ("Drain camera inspection", 250, 350, ""), ("Parts & fittings", 40, 220, "")]),
    V(name="Wattle & Gum Landscaping", locale="AU", currency="AUD",
      address=["14 Banksia Crescent", "Frenchs Forest NSW 2086", "Australia"], phone="0491 570 156",
      taxid=("ABN", "51 824 753 556"), domain="wattleandgum.com.au", inv="WG-{seq:04d}", seq0=1012,
      layouts={"formal": 4, "freelancer": 2, "email": 2}, taxes=[("GST", Decimal("10"))], tax_inclusive=True,
      terms=[7, 14], n=9,
      items=[("Garden maintenance visit", 180, 260, ""), ("Hedge trimming", 75, 95, "hr"), ("Mulch supply & spread", 65, 90, "m³"),
             ("Green waste removal", 120, 220, ""), ("Turf laying", 22, 32, "m²")]),
    V(name="Southern Cross IT Pty Ltd", locale="AU", currency="AUD",
      address=["Level 7, 120 Collins Street", "Melbourne VIC 3000", "Australia"], phone="+61 3 5550 1842",
      taxid=("ABN", "83 914 571 673"), domain="southerncrossit.com.au", inv="INV-{seq:05d}", seq0=30215,
      layouts={"email": 3, "saas": 3, "formal": 2}, taxes=[("GST 10%", Decimal("10"))], terms=[14, 30], n=9, split="train",
      items=[("Managed IT services - per user", 55, 85, "user"), ("Microsoft 365 Business Standard", 18, 22, "licence"),
             ("Onsite support", 150, 190, "hr"), ("Firewall subscription", 60, 120, "")]),
    V(name="Kowhai Creative Ltd", locale="NZ", currency="NZD",
      address=["21 Cuba Street", "Te Aro, Wellington 6011", "New Zealand"], phone="+64 4 555 0163",
      taxid=("GST No.", "123-456-789"), domain="kowhaicreative.co.nz", inv="KC{seq:04d}", seq0=402,
      layouts={"freelancer": 3, "formal": 2, "email": 2}, taxes=[("GST 15%", Decimal("15"))], terms=[20, 14], n=8,
      items=[("Video edit - 60s promo", 900, 1500, ""), ("Motion graphics", 95, 120, "hr"),
             ("Voiceover licence", 150, 300, ""), ("Stock footage", 60, 180, "")]),
    V(name="Sakura Denki Trading Co., Ltd.", ships=True, locale="JP", currency="JPY",
      address=["3-12-8 Sotokanda, Chiyoda-ku", "Tokyo 101-0021", "Japan"], phone="+81 3-5550-2841",
      taxid=("Registration No.", "T4010001088123"), domain="sakura-denki.co.jp", inv="SD-{Y}{seq:04d}", seq0=515,
      layouts={"formal": 5, "email": 2}, taxes=[("Consumption tax 10%", Decimal("10"))], terms=[30, None], n=9,
      items=[("LED panel light 600x600", 8800, 12800, ""), ("USB-C power adapter 65W", 3200, 4800, ""),
             ("Cable assembly, custom (lot)", 42000, 88000, ""), ("Shipping & handling", 1500, 3000, "")]),
    V(name="Indus Byte Solutions Pvt. Ltd.", locale="IN", currency="INR",
      address=["4th Floor, Prestige Tech Park, Outer Ring Road", "Bengaluru, Karnataka 560103", "India"],
      phone="+91 80 5550 7741", taxid=("GSTIN", "29AAGCI4417R1Z5"), domain="indusbyte.in", inv="IBS/{fy}/{seq:04d}",
      seq0=211, layouts={"formal": 5, "email": 2},
      taxes=[("CGST @ 9%", Decimal("9")), ("SGST @ 9%", Decimal("9"))], terms=[15, 30], n=9,
      items=[("Mobile app development - milestone", 180000, 420000, ""), ("QA testing", 1200, 1800, "hr"),
             ("Cloud hosting (monthly)", 8500, 14000, ""), ("Annual maintenance contract", 60000, 120000, "")]),
    V(name="Fjällström Konsult AB", locale="SE", currency="SEK",
      address=["Sveavägen 64", "111 34 Stockholm", "Sverige"], phone="+46 8 555 019 22",
      taxid=("Momsreg.nr", "SE556812443901"), domain="fjallstrom.se", inv="{seq}", seq0=10480,
      layouts={"formal": 5, "email": 2}, taxes=[("Moms 25%", Decimal("25"))], terms=[30, 20], n=8,
      items=[("Konsultarvode, projektledning", 1100, 1450, "tim"), ("Workshop (heldag)", 14000, 22000, ""),
             ("Resekostnader", 800, 3200, ""), ("Licens, planeringsverktyg", 450, 900, "")]),
    V(name="Harbourside Telecom", locale="UK", currency="GBP",
      address=["PO Box 7731", "Southampton SO14 0AA", "United Kingdom"], phone="0330 555 0170",
      taxid=("VAT Reg No", "GB 655 2204 91"), domain="harbourside-telecom.co.uk", inv="HT{seq:08d}", seq0=50081233,
      layouts={"statement": 5, "email": 2}, taxes=[("VAT at 20%", Decimal("20"))], terms=[14, 21], n=8,
      items=[("Business Fibre 900 - monthly", 45, 65, ""), ("Mobile line x3 - unlimited", 18, 24, "line"),
             ("Static IP address", 5, 8, ""), ("Calls outside allowance", 1, 14, ""), ("Router rental", 3, 5, "")]),
    V(name="Mistral Bike Works", ships=True, locale="FR", currency="EUR",
      address=["22 quai de la Joliette", "13002 Marseille", "France"], phone="+33 4 55 91 20 30",
      taxid=("TVA", "FR 61 899 204 117"), domain="mistralbikeworks.fr", inv="MBW-{seq:04d}", seq0=740,
      layouts={"receipt": 3, "email": 2, "formal": 1}, taxes=[("TVA 20%", Decimal("20"))], tax_inclusive=True,
      terms=[None], n=8, split="train",
      items=[("Révision complète / full service", 79, 119, ""), ("Chain KMC X11", 32, 45, ""),
             ("Tubeless sealant 500ml", 19, 26, ""), ("Brake pads (pair)", 18, 28, ""), ("Labour / main d'oeuvre", 15, 25, "")]),
    V(name="Bluegill Logistics", locale="US", currency="USD",
      address=["9100 Freight Ln", "Memphis, TN 38118", "United States"], phone="901-555-0126",
      taxid=("MC#", "MC-884120"), domain="bluegilllogistics.com", inv="BGL{seq:06d}", seq0=310442,
      layouts={"formal": 4, "forwarded": 2, "email": 2}, taxes=[], terms=[30, 15], n=10, split="train",
      items=[("LTL freight Memphis TN > Atlanta GA, 6 pallets", 780, 1250, ""), ("Fuel surcharge", 90, 210, ""),
             ("Liftgate delivery", 75, 95, ""), ("Detention", 65, 85, "hr"), ("Residential delivery fee", 55, 80, "")]),
]

CUSTOMERS = {
    "US": [("Harlow & Finch Dental", "2209 Pearl St, Boulder, CO 80302"), ("Tidewater Brewing Co.", "14 Dock St, Norfolk, VA 23510"),
           ("Amy Castellano", "418 W 7th Ave, Columbus, OH 43201"), ("Brightwater Montessori", "61 Elm Rd, Ann Arbor, MI 48104"),
           ("Okafor Family Medicine", "900 Ridge Ave, Evanston, IL 60202"), ("Gridline Robotics Inc.", "3 Kendall Sq, Cambridge, MA 02139")],
    "UK": [("Mossgate Veterinary Practice", "8 High Street, Otley LS21 3AB"), ("The Fox & Lantern", "22 Bridge St, York YO1 6DA"),
           ("Dr Helen Marsh", "14 Clifton Road, Bath BA2 4EJ"), ("Corbel Architects LLP", "5 Brick Lane, London E1 6PU"),
           ("Arden Rowing Club", "Riverside, Stratford-upon-Avon CV37 6BA"), ("Nina Okonkwo", "71 Anfield Rd, Liverpool L4 0TH")],
    "EU": [("Nordlicht Media GmbH", "Schanzenstraße 12, 20357 Hamburg"), ("Studio Verde S.r.l.", "Via Po 9, 10124 Torino"),
           ("Bakkerij De Korenaar", "Lange Nieuwstraat 4, 3512 PH Utrecht"), ("Cabinet Moreau", "8 avenue Foch, 75116 Paris"),
           ("Hotel Miramar S.A.", "Passeig Marítim 40, 07014 Palma"), ("Klinik am Park", "Parkallee 3, 04109 Leipzig"),
           ("Lucas Fernández", "C/ Ruzafa 14, 46004 Valencia"), ("Agence Pivot", "3 rue Sainte-Catherine, 33000 Bordeaux")],
    "CA": [("Loonie Bin Records", "221 Queen St W, Toronto, ON M5V 1Z4"), ("Chez Mathilde", "4350 Rue Saint-Denis, Montréal, QC H2J 2K8"),
           ("Kwan & Associates", "1055 W Georgia St, Vancouver, BC V6E 3P3")],
    "AU": [("Bondi Pilates Studio", "80 Campbell Pde, Bondi Beach NSW 2026"), ("Mrs J. Whitlock", "7 Acacia Ave, Ringwood VIC 3134"),
           ("Redgum Cellars", "19 Main Rd, McLaren Vale SA 5171")],
    "NZ": [("Te Aro Theatre Trust", "4 Tory St, Wellington 6011"), ("Kauri Ridge Vineyard", "55 Matakana Rd, Warkworth 0984")],
    "JP": [("Minato Office Solutions K.K.", "2-4-1 Shibakoen, Minato-ku, Tokyo"), ("Kobe Marine Supply", "1-1 Hatoba-cho, Chuo-ku, Kobe")],
    "IN": [("Vriksha Agritech LLP", "Plot 18, HITEC City, Hyderabad 500081"), ("Meera Textiles", "Ring Road, Surat, Gujarat 395002")],
    "SE": [("Norrsken Fastigheter AB", "Kungsgatan 8, 411 19 Göteborg"), ("Malmö Padelcenter", "Hyllie Boulevard 10, 215 32 Malmö")],
}
REGION = {"US": "US", "UK": "UK", "IE": "EU", "DE": "EU", "CH": "EU", "FR": "EU", "NL": "EU", "ES": "EU", "IT": "EU",
          "CA": "CA", "AU": "AU", "NZ": "NZ", "JP": "JP", "IN": "IN", "SE": "SE"}
CONTACTS = ["Laura", "Ben", "Anke", "Jules", "Marta", "Dev", "Sione", "Kerry", "Pieter", "Yuki", "Carmen", "Ollie",
            "Sunita", "Greg", "Ingrid", "Hamish"]
BANKS_ = ["Northbank", "Meridian Bank", "First Harbour Bank", "Coastal Savings", "Banque Alpine", "Hansa Kreditbank"]


# ----------------------------------------------------------------------------------------------------
# Invoice model
# ----------------------------------------------------------------------------------------------------


def q2(x: Decimal, cur: str) -> Decimal:
    return x.quantize(Decimal(1) if cur in ZERO_DECIMAL else TWO, rounding=ROUND_HALF_UP)


def make_invoice(v: dict, layout: str, date: dt.date, seq: int, rng: random.Random) -> dict:
    cur = v["currency"]
    if v["alt_currencies"] and rng.random() < 0.25:
        cur = rng.choice(v["alt_currencies"])
    lines_ = []
    for desc, lo, hi, unit in rng.sample(v["items"], k=rng.randint(1, min(4, len(v["items"])))):
        if unit in ("sq ft", "GB", "Stk", "m²", "m³"):
            qty = Decimal(rng.choice([120, 250, 400, 850, 1200, 2300, 3400]))
        elif unit in ("hr", "Std.", "uur", "h", "tim", "MA", "head", "guest", "cover", "seat", "user", "licence", "line", "ud", "pal.", "image"):
            qty = Decimal(rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 40]))
            if unit in ("hr", "Std.", "uur", "h", "tim") and rng.random() < 0.4:
                qty = qty + Decimal("0.5")
        else:
            qty = Decimal(rng.choice([1, 1, 1, 1, 2, 2, 3]))
        raw = Decimal(str(lo)) + (Decimal(str(hi)) - Decimal(str(lo))) * Decimal(rng.randint(0, 100)) / 100
        if cur in ZERO_DECIMAL:
            price = (raw / 100).quantize(Decimal(1)) * 100
        elif raw < 1:
            price = raw.quantize(Decimal("0.001"))
        elif raw < 20:
            price = (raw * 10).quantize(Decimal(1)) / 10
            price = price.quantize(TWO)
        else:
            price = raw.quantize(Decimal(1)) if rng.random() < 0.6 else raw.quantize(TWO)
        lines_.append({"desc": desc, "qty": qty, "unit": unit, "price": price, "amount": q2(qty * price, cur)})
    subtotal = sum((ln["amount"] for ln in lines_), Decimal(0))
    discount = Decimal(0)
    if rng.random() < 0.12 and not v["tax_inclusive"]:
        pct = Decimal(rng.choice([5, 10, 15]))
        discount = q2(subtotal * pct / 100, cur)
    shipping = Decimal(0)
    if rng.random() < 0.25 and v["ships"] and layout in ("formal", "freelancer", "email", "forwarded"):
        scale = {"JPY": 100, "INR": 80, "SEK": 10}.get(cur, 1)
        shipping = q2(Decimal(str(rng.choice([8, 12.5, 15, 25, 45, 60]))) * scale, cur)
    net = subtotal - discount + shipping
    taxes = []
    if v["tax_inclusive"]:
        total = net
        for label, rate in v["taxes"]:
            taxes.append((label, rate, q2(total * rate / (100 + rate), cur)))
    else:
        for label, rate in v["taxes"]:
            taxes.append((label, rate, q2(net * rate / 100, cur)))
        total = net + sum((t[2] for t in taxes), Decimal(0))
    terms = rng.choice(v["terms"])
    due = None
    if terms is not None:
        due = date + dt.timedelta(days=terms)
    return {"cur": cur, "lines": lines_, "subtotal": subtotal, "discount": discount, "shipping": shipping, "net": net,
            "taxes": taxes, "total": total, "terms": terms, "date": date, "due": due, "seq": seq}


def invoice_number(v: dict, inv: dict) -> str:
    d = inv["date"]
    fy_start = d.year if d.month >= 4 else d.year - 1
    return v["inv"].format(Y=d.year, y=f"{d.year % 100:02d}", seq=inv["seq"],
                           fy=f"{fy_start % 100:02d}-{(fy_start + 1) % 100:02d}")


# ----------------------------------------------------------------------------------------------------
# Rendering helpers
# ----------------------------------------------------------------------------------------------------


class Doc:
    """Carries per-document formatting choices and the hard-case features used for tags."""

    def __init__(self, v: dict, inv: dict, rng: random.Random):
        self.v, self.inv, self.rng = v, inv, rng
        self.lang = v["lang"]
        self.L = LBL[self.lang]
        self.locale = v["locale"]
        self.style = NUMBER_STYLE[self.locale]
        self.grouping = rng.random() < 0.85
        self.date_code = rng.choice(DATE_FORMATS[self.locale])
        self.due_code = self.date_code if rng.random() < 0.8 else rng.choice(DATE_FORMATS[self.locale])
        cur = inv["cur"]
        signs = CURRENCY_SIGNS[cur]
        self.sign = rng.choice(signs)
        # A bare "$" from a non-US vendor, or "kr", leaves the currency to the country stated in the document.
        self.code_stated = not (self.sign.strip() in ("$", "kr") and cur != "USD")
        self.features: list[str] = []
        if self.style in ("eu", "fr", "ch", "in") and cur not in ZERO_DECIMAL:
            self.features.append(f"number_format_{self.style}")
        if cur != v["currency"]:
            self.features.append("foreign_currency")

    def pick(self, key: str) -> str:
        return self.rng.choice(self.L[key])

    def num(self, x: Decimal) -> str:
        decimals = 0 if self.inv["cur"] in ZERO_DECIMAL else 2
        return fmt_num(x, self.style, decimals, self.grouping)

    def money(self, x: Decimal, bare: bool = False) -> str:
        if x < 0:
            return "-" + self.money(-x, bare)
        n = self.num(x)
        if bare:
            return n
        s = self.sign
        if s.startswith(" "):
            return n + s
        if s in ("€", "€ ") and self.style in ("eu", "fr") and self.rng.random() < 0.7:
            return n + " €"
        if s.endswith(" ") and self.rng.random() < 0.3:
            return n + " " + s.strip()
        return s + n

    def date(self, d: dt.date, due: bool = False, distractor: bool = False) -> str:
        code = self.due_code if due else self.date_code
        if code == "d. Month Y" and self.lang == "en":
            code = "d Month Y"
        if distractor:
            return fmt_date(d, code, self.lang)
        if code in NUMERIC_AMBIGUOUS and d.day <= 12 and d.day != d.month and "ambiguous_date" not in self.features:
            self.features.append("ambiguous_date")
        if code.endswith("/y") or code.endswith(".y"):
            if "two_digit_year" not in self.features:
                self.features.append("two_digit_year")
        return fmt_date(d, code, self.lang if self.lang != "en" else "en")

    def qty(self, q: Decimal) -> str:
        if q == q.to_integral_value():
            return str(int(q))
        return fmt_num(q, self.style, 1, False)

    def price(self, p: Decimal) -> str:
        if self.inv["cur"] in ZERO_DECIMAL:
            return fmt_num(p, self.style, 0, self.grouping)
        decimals = 3 if p != p.quantize(TWO) else 2
        return fmt_num(p, self.style, decimals, self.grouping)

    def currency_note(self) -> str:
        cur = self.inv["cur"]
        return self.rng.choice({
            "en": [f"All amounts in {cur}.", f"Currency: {cur}", f"Amounts shown in {cur}", f"({cur})"],
            "de": [f"Alle Beträge in {cur}.", f"Währung: {cur}"],
            "fr": [f"Montants exprimés en {cur}.", f"Devise : {cur}"],
            "nl": [f"Alle bedragen in {cur}.", f"Valuta: {cur}"],
            "es": [f"Importes en {cur}.", f"Moneda: {cur}"],
        }[self.lang])


def pad(label: str, value: str, width: int) -> str:
    return f"{label}{' ' * max(1, width - len(label) - len(value))}{value}"


def terms_line(doc: Doc) -> str:
    return doc.pick("terms").format(n=doc.inv["terms"])


def bank_block(doc: Doc) -> list[str]:
    rng = doc.rng
    loc = doc.locale
    if loc in ("UK",):
        return [f"{doc.pick('bank')}: {rng.choice(BANKS_)}, sort code {rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}, "
                f"account {rng.randint(10000000, 99999999)}"]
    if loc in ("US", "CA"):
        return [f"{doc.pick('bank')}: ACH to {rng.choice(BANKS_)}, routing {rng.randint(100000000, 999999999)}, "
                f"acct ****{rng.randint(1000, 9999)}"]
    if loc in ("AU",):
        return [f"{doc.pick('bank')}: BSB {rng.randint(100, 999)}-{rng.randint(100, 999)}  Acc {rng.randint(10000000, 99999999)}"]
    if loc in ("JP",):
        return [f"Bank transfer: {rng.choice(BANKS_)} Tokyo branch, ordinary account {rng.randint(1000000, 9999999)}"]
    if loc in ("IN",):
        return [f"Bank: {rng.choice(BANKS_)}, A/c {rng.randint(10**11, 10**12 - 1)}, IFSC NRTH0{rng.randint(100000, 999999)}"]
    if loc == "NZ":
        return [f"{doc.pick('bank')}: {rng.choice(BANKS_)} {rng.randint(10, 38)}-{rng.randint(1000, 9999)}-"
                f"{rng.randint(1000000, 9999999)}-{rng.randint(0, 99):02d}"]
    country = {"DE": "DE", "FR": "FR", "NL": "NL", "ES": "ES", "IT": "IT", "IE": "IE", "CH": "CH", "SE": "SE", "NZ": "NZ"}[loc]
    digits = "".join(str(rng.randint(0, 9)) for _ in range(18))
    iban = f"{country}{rng.randint(10, 99)} " + " ".join(digits[i:i + 4] for i in range(0, 16, 4))
    return [f"{doc.pick('bank')}: {rng.choice(BANKS_)} · IBAN {iban} · BIC {rng.choice(['NRTH', 'MERI', 'HANS', 'ALPN'])}{country}2X"]


def vendor_header(doc: Doc, centered: bool) -> list[str]:
    v = doc.v
    out = [v["name"]] + v["address"]
    extra = []
    if doc.rng.random() < 0.7:
        extra.append(f"Tel. {v['phone']}" if doc.lang != "en" else f"Tel: {v['phone']}")
    if doc.rng.random() < 0.6:
        extra.append(f"{doc.rng.choice(['accounts', 'billing', 'info', 'hello'])}@{v['domain']}")
    if extra:
        out.append("  |  ".join(extra))
    if v["taxid"]:
        out.append(f"{v['taxid'][0]}: {v['taxid'][1]}")
    if centered:
        width = max(len(x) for x in out) + 10
        out = [x.center(width).rstrip() for x in out]
    return out


def customer(doc: Doc) -> tuple[str, str]:
    region = REGION[doc.locale]
    if doc.rng.random() < 0.15:
        region = doc.rng.choice(list(CUSTOMERS))
        if region != REGION[doc.locale]:
            doc.features.append("cross_border")
    return doc.rng.choice(CUSTOMERS[region])


def distractor_refs(doc: Doc) -> list[tuple[str, str]]:
    rng = doc.rng
    refs = []
    if rng.random() < 0.55:
        refs.append((doc.pick("cust"), f"{rng.choice(['C', 'K', '', 'CU-'])}{rng.randint(1000, 99999)}"))
    if rng.random() < 0.45:
        refs.append((doc.pick("po"), f"{rng.choice(['PO-', 'PO', '4500', ''])}{rng.randint(1000, 999999)}"))
    if refs:
        doc.features.append("distractor_ids")
    return refs


def totals_block(doc: Doc, width: int, deposit: Decimal | None) -> list[str]:
    inv, L = doc.inv, doc.L
    rows = []
    if inv["discount"] or inv["shipping"] or inv["taxes"] or doc.rng.random() < 0.5:
        rows.append((doc.pick("subtotal"), doc.money(inv["subtotal"])))
    if inv["discount"]:
        rows.append((doc.pick("discount"), doc.money(-inv["discount"])))
    if inv["shipping"]:
        rows.append((doc.pick("shipping"), doc.money(inv["shipping"])))
    if inv["taxes"] and not doc.v["tax_inclusive"]:
        for label, rate, amt in inv["taxes"]:
            rows.append((label, doc.money(amt)))
    total_label = doc.pick("total")
    rows.append((total_label, doc.money(inv["total"])))
    if inv["taxes"] and doc.v["tax_inclusive"]:
        for label, rate, amt in inv["taxes"]:
            rows.append((f"  {L['incl_tax']} {label}", doc.money(amt)))
        doc.features.append("tax_inclusive")
    if deposit is not None:
        rows.append((doc.pick("paid"), doc.money(-deposit)))
        rows.append((doc.pick("balance"), doc.money(inv["total"] - deposit)))
    elif doc.rng.random() < 0.3:
        rows.append((doc.pick("balance"), doc.money(inv["total"])))
    lw = max(len(r[0]) for r in rows) + 4
    return [(" " * (width - lw - 16)) + r[0].ljust(lw) + r[1].rjust(16) for r in rows]


def maybe_deposit(doc: Doc) -> Decimal | None:
    if doc.rng.random() < 0.2:
        frac = Decimal(doc.rng.choice([25, 30, 50])) / 100
        deposit = q2(doc.inv["total"] * frac, doc.inv["cur"])
        if doc.rng.random() < 0.25:
            deposit = doc.inv["total"]  # paid in full: balance 0.00
        doc.features.append("amount_due_differs")
        return deposit
    return None


# ----------------------------------------------------------------------------------------------------
# Layouts
# ----------------------------------------------------------------------------------------------------


def render_formal(doc: Doc) -> str:
    rng, inv, v = doc.rng, doc.inv, doc.v
    width = rng.choice([64, 72, 78])
    centered = rng.random() < 0.35
    out = vendor_header(doc, centered)
    title = doc.pick("invoice")
    while title == "TAX INVOICE" and doc.locale not in ("AU", "NZ", "IN", "UK"):
        title = doc.pick("invoice")
    out += ["", title.center(width).rstrip() if centered else title, ""]
    meta = [(doc.pick("inv_no"), doc.inv_no), (doc.pick("date"), doc.date(inv["date"]))]
    meta += distractor_refs(doc)
    if rng.random() < 0.3:
        # delivery / service date close to, but not equal to, the invoice date
        label = {"en": "Delivery date", "de": "Lieferdatum", "fr": "Date de livraison", "nl": "Leverdatum",
                 "es": "Fecha de entrega"}[doc.lang]
        meta.append((label, doc.date(inv["date"] - dt.timedelta(days=rng.randint(1, 9)), distractor=True)))
        doc.features.append("distractor_dates")
    if inv["due"]:
        meta.append((doc.pick("due"), doc.date(inv["due"], due=True)))
    extra = meta[2:]
    rng.shuffle(extra)
    meta = meta[:2] + extra
    cust_name, cust_addr = customer(doc)
    lw = max(len(m[0]) for m in meta) + 2
    meta_lines = [f"{(m[0].rstrip(':') + ':').ljust(lw)} {m[1]}" for m in meta]
    bill = [doc.pick("bill_to") + ":", cust_name] + [x.strip() for x in cust_addr.split(",")]
    if rng.random() < 0.5:
        for i in range(max(len(bill), len(meta_lines))):
            left = bill[i] if i < len(bill) else ""
            right = meta_lines[i] if i < len(meta_lines) else ""
            out.append(left.ljust(34) + right)
    else:
        out += meta_lines + [""] + bill
    out.append("")
    if not doc.code_stated or rng.random() < 0.3:
        if doc.code_stated or rng.random() < 0.5:
            out.append(doc.currency_note())
            doc.code_stated = True
        else:
            doc.features.append("currency_implicit")
    # line items
    dw = width - 36
    hdr = doc.pick("desc")[:dw].ljust(dw) + doc.pick("qty").rjust(6) + doc.pick("unit").rjust(14) + doc.pick("amount").rjust(16)
    sep = rng.choice(["-", "=", "─"])
    out += [hdr, sep * len(hdr)]
    for ln in inv["lines"]:
        first = True
        for chunk in textwrap.wrap(ln["desc"], dw - 1):
            if first:
                unit = f" {ln['unit']}" if ln["unit"] and rng.random() < 0.5 else ""
                out.append(chunk.ljust(dw) + (doc.qty(ln["qty"]) + unit).rjust(6) + doc.price(ln["price"]).rjust(14)
                           + doc.money(ln["amount"], bare=True).rjust(16))
                first = False
            else:
                out.append("  " + chunk)
    out.append(sep * len(hdr))
    deposit = maybe_deposit(doc)
    out += totals_block(doc, len(hdr), deposit)
    out.append("")
    if inv["due"] and rng.random() < 0.5:
        out.append(terms_line(doc))
    elif not inv["due"] and rng.random() < 0.3:
        out.append({"en": "Payment by bank transfer, quoting the invoice number.",
                    "de": "Bitte überweisen Sie den Betrag unter Angabe der Rechnungsnummer.",
                    "fr": "Règlement par virement en indiquant le numéro de facture.",
                    "nl": "Gelieve het bedrag over te maken o.v.v. het factuurnummer.",
                    "es": "Pago por transferencia indicando el número de factura."}[doc.lang])
    out += bank_block(doc)
    if rng.random() < 0.6:
        out += ["", doc.pick("thanks")]
    if rng.random() < 0.3 and doc.lang == "en" and doc.locale == "UK":
        out.append(f"{v['name']} is registered in England & Wales, company no. {rng.randint(10000000, 15999999)}.")
    return "\n".join(out)


def render_email(doc: Doc, forwarded: bool = False) -> str:
    rng, inv, v = doc.rng, doc.inv, doc.v
    contact = rng.choice(CONTACTS)
    sender = rng.choice(["accounts", "billing", "invoices", "finance", contact.lower()])
    sent = dt.datetime.combine(inv["date"] + dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 6])),
                               dt.time(rng.randint(7, 18), rng.randint(0, 59), rng.randint(0, 59)))
    if sent.date() != inv["date"]:
        doc.features.append("distractor_dates")
    tz = {"US": "-0500", "CA": "-0500", "UK": "+0000", "IE": "+0000", "AU": "+1000", "NZ": "+1200", "JP": "+0900",
          "IN": "+0530"}.get(doc.locale, "+0100")
    date_hdr = f"{WEEKDAYS_EN[sent.weekday()]}, {sent.day} {MONTHS['en'][sent.month - 1][:3]} {sent.year} {sent:%H:%M:%S} {tz}"
    cust_name, _ = customer(doc)
    greet_name = rng.choice(CONTACTS)
    total_s = doc.money(inv["total"])
    subject = rng.choice({
        "en": [f"Invoice {doc.inv_no} from {v['name']}", f"Your invoice {doc.inv_no}", f"{v['name']} - invoice {doc.inv_no}",
               f"Invoice #{doc.inv_no.lstrip('#')}", "Invoice attached", f"Payment request: {doc.inv_no}"],
        "de": [f"Rechnung {doc.inv_no}", f"Ihre Rechnung Nr. {doc.inv_no}", f"Rechnung {doc.inv_no} von {v['name']}"],
        "fr": [f"Facture {doc.inv_no}", f"Votre facture n° {doc.inv_no}"],
        "nl": [f"Factuur {doc.inv_no}", f"Uw factuur {doc.inv_no}"],
        "es": [f"Factura {doc.inv_no}", f"Su factura nº {doc.inv_no}"],
    }[doc.lang])
    headers = [f"From: {v['name']} <{sender}@{v['domain']}>", f"To: {greet_name.lower()}@{re.sub(r'[^a-z]', '', cust_name.lower())[:14]}.com",
               f"Date: {date_hdr}", f"Subject: {subject}"]
    if rng.random() < 0.4:
        headers = [headers[0], headers[3], headers[2], headers[1]]
    deposit = None
    body: list[str] = []
    taxes = inv["taxes"]
    tax_sum = sum((t[2] for t in taxes), Decimal(0))
    if doc.lang == "en":
        body.append(rng.choice([f"Hi {greet_name},", f"Dear {greet_name},", "Hello,", f"Hi {greet_name}", "Dear Sir/Madam,"]))
        body.append("")
        what = rng.choice(["for the work completed this month", "for your recent order", "covering the services below",
                           f"for {inv['lines'][0]['desc'].lower()}", "as discussed", ""])
        intro = rng.choice([
            f"Please find attached invoice {doc.inv_no} dated {doc.date(inv['date'])} {what}.",
            f"Attached is our invoice no. {doc.inv_no} ({doc.date(inv['date'])}) {what}.",
            f"Thanks again for choosing {v['name']}. Your invoice {doc.inv_no}, issued {doc.date(inv['date'])}, is attached {what}.",
            f"Here's invoice {doc.inv_no} {what}. Invoice date: {doc.date(inv['date'])}.",
        ]).replace("  ", " ").replace(" .", ".").replace(" ,", ",")
        body.append(intro)
        body.append("")
        style = rng.randrange(4)
        if style == 0 and taxes and not v["tax_inclusive"]:
            body.append(f"The net amount is {doc.money(inv['net'])}; with {', '.join(t[0] for t in taxes)} "
                        f"({doc.money(tax_sum)}) the total comes to {total_s}.")
            doc.features.append("subtotal_mentioned")
        elif style == 1:
            body.append("Summary:")
            for ln in inv["lines"]:
                body.append(f"  - {ln['desc']}: {doc.money(ln['amount'])}")
            if taxes and not v["tax_inclusive"]:
                body.append(f"  - {', '.join(t[0] for t in taxes)}: {doc.money(tax_sum)}")
            if inv["shipping"]:
                body.append(f"  - Shipping: {doc.money(inv['shipping'])}")
            if inv["discount"]:
                body.append(f"  - Discount: {doc.money(-inv['discount'])}")
            body.append(f"  Total: {total_s}")
        elif style == 2 and rng.random() < 0.6:
            deposit = q2(inv["total"] * Decimal(rng.choice([30, 50])) / 100, inv["cur"])
            doc.features.append("amount_due_differs")
            body.append(f"The invoice total is {total_s}. As you paid a deposit of {doc.money(deposit)} when booking, "
                        f"the remaining balance is {doc.money(inv['total'] - deposit)}.")
        else:
            body.append(f"Amount: {total_s}" + (" (incl. tax)" if taxes else ""))
        if not doc.code_stated:
            if rng.random() < 0.5:
                body.append(doc.currency_note())
                doc.code_stated = True
            else:
                doc.features.append("currency_implicit")
        if inv["due"]:
            body.append(rng.choice([f"Payment is due by {doc.date(inv['due'], True)}.",
                                    f"Please arrange payment by {doc.date(inv['due'], True)}.",
                                    f"Due date: {doc.date(inv['due'], True)}",
                                    f"We'd be grateful for payment within {inv['terms']} days, i.e. by {doc.date(inv['due'], True)}."]))
        else:
            body.append(rng.choice(["This invoice has already been paid by card - no action needed.",
                                    "Payment details are on the attached PDF.", "Let us know if you have any questions.",
                                    "Payment was taken automatically, this is for your records."]))
        body += ["", rng.choice(["Many thanks,", "Kind regards,", "Best,", "Thanks,", "Regards,"]), contact, v["name"]]
    else:
        L = doc.L
        greet = {"de": ["Sehr geehrte Damen und Herren,", f"Hallo {greet_name},", f"Guten Tag {greet_name},"],
                 "fr": ["Madame, Monsieur,", f"Bonjour {greet_name},"],
                 "nl": ["Geachte heer/mevrouw,", f"Beste {greet_name},"],
                 "es": ["Estimado/a cliente:", f"Hola {greet_name}:"]}[doc.lang]
        body += [rng.choice(greet), ""]
        intro = {"de": f"anbei erhalten Sie unsere Rechnung Nr. {doc.inv_no} vom {doc.date(inv['date'])}.",
                 "fr": f"veuillez trouver ci-joint notre facture n° {doc.inv_no} du {doc.date(inv['date'])}.",
                 "nl": f"hierbij ontvangt u factuur {doc.inv_no} van {doc.date(inv['date'])}.",
                 "es": f"le adjuntamos la factura nº {doc.inv_no} con fecha {doc.date(inv['date'])}."}[doc.lang]
        body.append(intro[0].upper() + intro[1:])
        if taxes and not v["tax_inclusive"] and rng.random() < 0.5:
            body.append(f"{rng.choice(L['subtotal'])}: {doc.money(inv['net'])}")
            for t in taxes:
                body.append(f"{t[0]}: {doc.money(t[2])}")
            doc.features.append("subtotal_mentioned")
        body.append(f"{rng.choice(L['total'])}: {total_s}")
        if not doc.code_stated:
            body.append(doc.currency_note())
            doc.code_stated = True
        if inv["due"]:
            due_s = doc.date(inv["due"], True)
            body.append({"de": f"Bitte überweisen Sie den Betrag bis zum {due_s}.",
                         "fr": f"Merci de procéder au règlement avant le {due_s}.",
                         "nl": f"Wij verzoeken u het bedrag vóór {due_s} over te maken.",
                         "es": f"Le rogamos realice el pago antes del {due_s}."}[doc.lang])
        body += ["", {"de": "Mit freundlichen Grüßen", "fr": "Cordialement,", "nl": "Met vriendelijke groet,",
                      "es": "Un saludo,"}[doc.lang], contact, v["name"]]
    body += v["address"][-2:] if rng.random() < 0.7 else [v["address"][-1]]
    if rng.random() < 0.5:
        body.append(v["phone"])
    text = "\n".join(headers + [""] + body)
    if forwarded:
        fwd_name = rng.choice(CONTACTS)
        note = rng.choice([
            f"Hi {rng.choice(CONTACTS)}, can you get this paid this week? Thanks, {fwd_name}",
            f"FYI - please process. I've checked the hours and they look right.\n{fwd_name}",
            f"Forwarding for payment. Our PO was {rng.randint(4500000, 4599999)}.\n\n{fwd_name}\n{cust_name}",
            f"Is this the one we already paid? Please check before paying.\n-- {fwd_name}",
        ])
        fwd_date = sent + dt.timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 5))
        quoted = "\n".join(("> " + ln).rstrip() for ln in text.split("\n")) if rng.random() < 0.3 else text
        text = (f"From: {fwd_name} <{fwd_name.lower()}@{re.sub(r'[^a-z]', '', cust_name.lower())[:14]}.com>\n"
                f"Date: {WEEKDAYS_EN[fwd_date.weekday()]}, {fwd_date.day} {MONTHS['en'][fwd_date.month - 1][:3]} {fwd_date.year} {fwd_date:%H:%M}\n"
                f"Subject: Fwd: {subject}\n\n{note}\n\n---------- Forwarded message ---------\n{quoted}")
        doc.features.append("forwarded")
        doc.features.append("distractor_dates")
    doc.deposit = deposit
    return text


OCR_SUBS = {"0": "O", "O": "0", "1": "l", "l": "1", "5": "S", "S": "5", "8": "B", "B": "8", "e": "c", "a": "o", "i": "l",
            "m": "rn", "E": "F", "I": "|", "t": "f"}


def ocr_noise(line: str, rng: random.Random, rate: float, protect_digits: bool) -> str:
    out = []
    for ch in line:
        r = rng.random()
        if r < rate and ch in OCR_SUBS and not (protect_digits and (ch.isdigit() or ch in ",.")):
            if protect_digits and ch in "OSBlI|":
                out.append(ch)
                continue
            out.append(OCR_SUBS[ch])
        elif r < rate * 1.4 and ch == " ":
            out.append("  ")
        elif r < rate * 1.5 and ch.isalpha() and not protect_digits:
            out.append("")  # character lost
        elif r < rate * 1.6 and ch.isalpha() and not protect_digits:
            out.append(ch + rng.choice(["'", ".", "`"]))  # speck on the paper
        else:
            out.append(ch)
    return "".join(out)


def render_receipt(doc: Doc) -> str:
    rng, inv, v = doc.rng, doc.inv, doc.v
    w = rng.choice([32, 38, 42])
    de, fr = doc.lang == "de", doc.lang == "fr"
    out = []
    name_line = v["name"].upper() if rng.random() < 0.5 else v["name"]
    out.append(name_line.center(w).rstrip())
    for a in v["address"]:
        out.append(a.center(w).rstrip())
    out.append(f"Tel {v['phone']}".center(w).rstrip())
    if v["taxid"] and rng.random() < 0.8:
        out.append(f"{v['taxid'][0]} {v['taxid'][1]}".center(w).rstrip())
    out.append("")
    t = dt.time(rng.randint(7, 20), rng.randint(0, 59))
    rno_label = rng.choice(["Beleg-Nr.", "Bon-Nr."] if de else ["Ticket n°", "Reçu n°"] if fr else ["Receipt #", "Trans #", "Receipt No", "TRANS"])
    clerk = rng.choice(["Kasse 2  Bed. 14" if de else "Caisse 1  Vendeur: Léa" if fr else "Reg 3  Cashier: DONNA",
                        "Terminal 01", "POS 4"])
    date_s = doc.date(inv["date"])
    out.append(f"{date_s}  {t:%H:%M}".ljust(w - 12) + rng.choice(["", "", f"{rng.randint(10, 99)}"]))
    out.append(clerk)
    out.append(f"{rno_label} {doc.inv_no}")
    out.append("-" * w)
    for ln in inv["lines"]:
        name = ln["desc"][: w - 12]
        if ln["qty"] != 1:
            out.append(f"{doc.qty(ln['qty'])} x {doc.price(ln['price'])}")
        out.append(pad(name, doc.money(ln["amount"], bare=True) + (" A" if rng.random() < 0.3 else ""), w))
    out.append("-" * w)
    crit = set()
    if inv["discount"]:
        out.append(pad("SUBTOTAL", doc.num(inv["subtotal"]), w))
        out.append(pad({"de": "Rabatt", "fr": "Remise"}.get(doc.lang, "DISCOUNT"), doc.num(-inv["discount"]), w))
    if inv["taxes"] and not v["tax_inclusive"]:
        out.append(pad("SUBTOTAL" if not inv["discount"] else "NET", doc.num(inv["net"]), w))
        for label, rate, amt in inv["taxes"]:
            out.append(pad(label.upper(), doc.num(amt), w))
    total_label = rng.choice(["SUMME", "TOTAL", "Gesamt"] if de else ["TOTAL", "TOTAL TTC", "A PAYER"] if fr else
                             ["TOTAL", "TOTAL DUE", "BALANCE DUE", "TOTAL USD" if inv["cur"] == "USD" else "TOTAL"])
    cur_word = doc.sign.strip()
    total_str = doc.money(inv["total"]) if rng.random() < 0.6 else f"{cur_word} {doc.num(inv['total'])}"
    crit.add(len(out))
    out.append(pad(total_label, total_str, w))
    if inv["taxes"] and v["tax_inclusive"]:
        doc.features.append("tax_inclusive")
        for label, rate, amt in inv["taxes"]:
            incl = {"de": "enth. ", "fr": "dont "}.get(doc.lang, "incl. ")
            net = inv["total"] - amt
            out.append(pad(f"{incl}{label}", doc.num(amt), w))
            if rng.random() < 0.5:
                out.append(pad({"de": "Netto", "fr": "HT"}.get(doc.lang, "Net"), doc.num(net), w))
    pay = rng.choice(["VISA", "MASTERCARD", "DEBIT", "CASH", "AMEX", "EC-Karte" if de else "CB" if fr else "CONTACTLESS"])
    if pay == "CASH":
        tendered = (inv["total"] / 10).to_integral_value(rounding="ROUND_CEILING") * 10
        out.append(pad(pay, doc.num(tendered), w))
        out.append(pad({"de": "Rückgeld", "fr": "Rendu"}.get(doc.lang, "CHANGE"), doc.num(tendered - inv["total"]), w))
    else:
        out.append(pad(f"{pay} ****{rng.randint(1000, 9999)}", doc.num(inv["total"]), w))
        if rng.random() < 0.5:
            out.append(f"AUTH {rng.randint(100000, 999999)}  {rng.choice(['APPROVED', 'CONTACTLESS', 'CHIP'])}")
    out.append("")
    if not doc.code_stated:
        doc.features.append("currency_implicit")
    thanks = {"de": f"Vielen Dank für Ihren Besuch im {v['name']}!", "fr": f"Merci de votre visite chez {v['name']} !"}.get(
        doc.lang, rng.choice([f"Thank you for shopping at {v['name']}!", f"Thanks for visiting {v['name']}",
                              "Returns within 30 days with receipt."]))
    out.append(thanks)
    if v["name"] not in "\n".join(out):
        out.append(v["name"])
    # OCR noise: label characters garble everywhere; digits survive on the lines that carry the answer
    rate = rng.choice([0.0, 0.02, 0.04, 0.06])
    if rate:
        doc.features.append("ocr_noise")
        noisy = []
        keep_exact = {v["name"], name_line.strip()}
        for i, line in enumerate(out):
            s = line.strip()
            if s in keep_exact or v["name"] in line or s.startswith(rno_label) or date_s in line:
                noisy.append(line)
            elif i in crit:  # the total line: garble the label only
                label, gap, value = line.rpartition("  ")
                noisy.append(ocr_noise(label, rng, rate, protect_digits=False) + gap + value if gap else line)
            else:
                noisy.append(ocr_noise(line, rng, rate, protect_digits=False))
        out = noisy
        if rng.random() < 0.4:
            out.insert(rng.randrange(2, len(out)), rng.choice(["~  . ' ,", "|||| ||| |", "* * *", ""]))
    return "\n".join(out)


def render_saas(doc: Doc) -> str:
    rng, inv, v = doc.rng, doc.inv, doc.v
    paid = inv["due"] is None
    out = []
    title = rng.choice([f"Your receipt from {v['name']}", f"Receipt from {v['name']}", f"{v['name']}",
                        f"Invoice from {v['name']}"]) if paid else rng.choice([f"Invoice from {v['name']}", f"{v['name']} invoice"])
    out += [title, ""]
    if paid:
        out.append(f"{doc.money(inv['total'])} " + rng.choice(["paid", "Paid", "— payment received"]) +
                   f" on {doc.date(inv['date'])}")
        if rng.random() < 0.5:
            out.append(f"Receipt #{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}")
            doc.features.append("distractor_ids")
        out.append(f"Invoice number: {doc.inv_no}")
        out.append(f"Date paid: {doc.date(inv['date'])}")
        out.append(f"Payment method: {rng.choice(['Visa', 'Mastercard', 'Amex', 'PayPal'])} - {rng.randint(1000, 9999)}")
    else:
        out.append(f"{doc.money(inv['total'])} due {doc.date(inv['due'], True)}")
        out.append(f"Invoice number: {doc.inv_no}")
        out.append(f"Date of issue: {doc.date(inv['date'])}")
        out.append(f"Date due: {doc.date(inv['due'], True)}")
        out.append(f"Pay online: https://pay.{v['domain']}/i/{rng.randint(10**9, 10**10 - 1)}")
    period_start = inv["date"]
    period_end = period_start + dt.timedelta(days=rng.choice([29, 30, 364]))
    if rng.random() < 0.6:
        out.append(f"Billing period: {doc.date(period_start, distractor=True)} - {doc.date(period_end, distractor=True)}")
        doc.features.append("distractor_dates")
    out += ["", "Summary", "-" * 48]
    for ln in inv["lines"]:
        qty = f" × {doc.qty(ln['qty'])}" if ln["qty"] != 1 else ""
        out.append(pad(f"{ln['desc']}{qty}", doc.money(ln["amount"]), 58))
    out.append("-" * 48)
    out.append(pad("Subtotal", doc.money(inv["subtotal"]), 58))
    if inv["discount"]:
        out.append(pad(f"Discount ({rng.choice(['LOYALTY', 'ANNUAL', 'STARTUP'])})", doc.money(-inv["discount"]), 58))
    for label, rate, amt in inv["taxes"]:
        out.append(pad(label, doc.money(amt), 58))
    out.append(pad("Total", doc.money(inv["total"]), 58))
    if paid:
        out.append(pad("Amount paid", doc.money(inv["total"]), 58))
    else:
        out.append(pad("Amount due", doc.money(inv["total"]), 58))
    if not doc.code_stated:
        if rng.random() < 0.6:
            out.append(f"All charges in {inv['cur']}.")
            doc.code_stated = True
        else:
            doc.features.append("currency_implicit")
    out += ["", f"Questions? Contact {rng.choice(['billing', 'support'])}@{v['domain']}",
            f"{v['name']} · " + ", ".join(v["address"])]
    if v["taxid"]:
        out.append(f"{v['taxid'][0]} {v['taxid'][1]}")
    return "\n".join(out)


def render_freelancer(doc: Doc) -> str:
    rng, inv, v = doc.rng, doc.inv, doc.v
    person = rng.choice(["Jo Whitfield", "Sam Okoro", "Tom Brackenbury", "Aroha Ngata", "Mei Lin Tan", "Rob Kearney"])
    cust_name, cust_addr = customer(doc)
    out = [rng.choice([f"INVOICE {doc.inv_no}", f"Invoice no. {doc.inv_no}", f"Invoice #{doc.inv_no}"]), ""]
    out.append(f"From: {v['name']}" + (f" ({person})" if rng.random() < 0.5 else ""))
    out += ["      " + a for a in v["address"]]
    out.append(f"To:   {cust_name}, {cust_addr}")
    out.append(f"Date: {doc.date(inv['date'])}")
    out.append("")
    if rng.random() < 0.5:
        job = rng.choice(["Job", "Project", "Re", "Work"])
        out.append(f"{job}: {rng.choice(['as per quote', 'see below', 'spring refresh', 'phase 1', 'kitchen & hallway'])}"
                   + (f" (quote Q-{rng.randint(100, 999)} dated {doc.date(inv['date'] - dt.timedelta(days=rng.randint(10, 40)), distractor=True)})" if rng.random() < 0.5 else ""))
        if "dated" in out[-1]:
            doc.features.append("distractor_dates")
        out.append("")
    for ln in inv["lines"]:
        if ln["unit"] and ln["qty"] != 1:
            out.append(f"  {ln['desc']} - {doc.qty(ln['qty'])} {ln['unit']} @ {doc.money(ln['price'])}  =  {doc.money(ln['amount'])}")
        else:
            out.append(f"  {ln['desc']}" + (f" x{doc.qty(ln['qty'])}" if ln["qty"] != 1 else "") + f"   {doc.money(ln['amount'])}")
    out.append("")
    if inv["shipping"]:
        out.append(f"  Travel / delivery   {doc.money(inv['shipping'])}")
    if inv["discount"]:
        out.append(f"  Less {doc.money(inv['discount'])} discount (repeat client)")
    if inv["taxes"] and not v["tax_inclusive"]:
        out.append(f"Subtotal {doc.money(inv['net'])}")
        for label, rate, amt in inv["taxes"]:
            out.append(f"{label} {doc.money(amt)}")
    deposit = maybe_deposit(doc) if rng.random() < 0.7 else None
    if deposit is not None:
        out.append(f"Total {doc.money(inv['total'])}")
        out.append(f"Deposit already paid: {doc.money(deposit)}")
        out.append(f"TOTAL NOW DUE: {doc.money(inv['total'] - deposit)}")
    else:
        out.append(rng.choice(["TOTAL DUE", "Total", "Amount due", "Please pay"]) + f": {doc.money(inv['total'])}")
    if inv["taxes"] and v["tax_inclusive"]:
        out.append(f"(includes {inv['taxes'][0][0]} of {doc.money(inv['taxes'][0][2])})")
        doc.features.append("tax_inclusive")
    elif not inv["taxes"] and doc.locale == "UK" and rng.random() < 0.6:
        out.append("Not VAT registered - no VAT charged.")
    if not doc.code_stated:
        if rng.random() < 0.5:
            out.append(doc.currency_note())
            doc.code_stated = True
        else:
            doc.features.append("currency_implicit")
    out.append("")
    if inv["due"]:
        out.append(rng.choice([f"Payment within {inv['terms']} days please (by {doc.date(inv['due'], True)}).",
                               f"Due: {doc.date(inv['due'], True)}",
                               f"Please pay by {doc.date(inv['due'], True)} - thank you!"]))
    else:
        out.append(rng.choice(["Payment at your earliest convenience, thanks!", "Cheers for the work!", "Thanks!"]))
    out += bank_block(doc)
    if rng.random() < 0.5:
        out.append(f"Ref: {doc.inv_no}")
    return "\n".join(out)


def render_statement(doc: Doc) -> str:
    rng, inv, v = doc.rng, doc.inv, doc.v
    prev = q2(inv["total"] * Decimal(rng.choice([0, 0, 80, 95, 100, 110])) / 100, inv["cur"])
    paid = prev if rng.random() < 0.6 else q2(prev * Decimal(rng.choice([0, 50])) / 100, inv["cur"])
    carried = prev - paid
    acct = f"{rng.randint(100, 999)} {rng.randint(1000, 9999)} {rng.randint(100, 999)}"
    out = [v["name"], rng.choice(["Your bill", "Statement & invoice", "ACCOUNT STATEMENT / INVOICE", "Your monthly bill"]), ""]
    cust_name, cust_addr = customer(doc)
    out += [f"{cust_name}", cust_addr, ""]
    meta = [("Account number", acct), (rng.choice(["Invoice number", "Bill number", "Invoice no."]), doc.inv_no),
            (rng.choice(["Bill date", "Invoice date", "Statement date"]), doc.date(inv["date"]))]
    start = inv["date"] - dt.timedelta(days=rng.choice([30, 31]))
    meta.append(("Billing period", f"{doc.date(start, distractor=True)} to "
                                   f"{doc.date(inv['date'] - dt.timedelta(days=1), distractor=True)}"))
    doc.features.append("distractor_dates")
    doc.features.append("distractor_ids")
    lw = max(len(m[0]) for m in meta) + 2
    out += [f"{m[0] + ':':<{lw}} {m[1]}" for m in meta]
    out += ["", "Account summary"]
    w = 56
    out.append(pad("Previous balance", doc.money(prev), w))
    out.append(pad("Payment received - thank you", doc.money(-paid), w))
    out.append(pad("Balance brought forward", doc.money(carried), w))
    out += ["", "This period's charges"]
    for ln in inv["lines"]:
        q = f" ({doc.qty(ln['qty'])} {ln['unit']})" if ln["unit"] and ln["qty"] != 1 else ""
        out.append(pad(f"  {ln['desc']}{q}", doc.money(ln["amount"]), w))
    if inv["discount"]:
        out.append(pad("  Loyalty discount", doc.money(-inv["discount"]), w))
    out.append(pad("Charges before tax", doc.money(inv["net"]), w))
    for label, rate, amt in inv["taxes"]:
        out.append(pad(label, doc.money(amt), w))
    out.append(pad(rng.choice(["Total this invoice", "Total new charges (invoice total)", "Invoice total"]), doc.money(inv["total"]), w))
    out.append("")
    due_amt = carried + inv["total"]
    if carried:
        doc.features.append("amount_due_differs")
    due_s = f" by {doc.date(inv['due'], True)}" if inv["due"] else ""
    out.append(pad(f"TOTAL AMOUNT DUE{due_s}", doc.money(due_amt), w))
    if not doc.code_stated:
        out.append(doc.currency_note())
        doc.code_stated = True
    if inv["due"] is None:
        out.append("This amount will be collected by Direct Debit on or shortly after the bill date." if rng.random() < 0.5
                   else "Pay anytime online or by phone.")
    out += ["", f"{v['name']} · " + ", ".join(v["address"]) + (f" · {v['taxid'][0]} {v['taxid'][1]}" if v["taxid"] else "")]
    return "\n".join(out)


RENDERERS = {"formal": render_formal, "email": render_email, "receipt": render_receipt, "saas": render_saas,
             "freelancer": render_freelancer, "statement": render_statement,
             "forwarded": lambda d: render_email(d, forwarded=True)}

LAYOUT_TAG = {"formal": "formal_invoice", "email": "email", "receipt": "receipt_ocr", "saas": "saas_receipt",
              "freelancer": "freelancer_invoice", "statement": "statement", "forwarded": "forwarded_email"}
HARD_FEATURES = {"ambiguous_date", "amount_due_differs", "currency_implicit", "forwarded", "tax_inclusive",
                 "two_digit_year", "foreign_currency"}


def difficulty(features: list[str]) -> str:
    hard = [f for f in features if f in HARD_FEATURES]
    medium = [f for f in features if f not in HARD_FEATURES]
    if len(hard) >= 2 or any(f in ("amount_due_differs", "currency_implicit", "forwarded") for f in hard) \
            or ("ambiguous_date" in hard and "ocr_noise" in features):
        return "hard"
    if hard or len(medium) >= 2:
        return "medium"
    return "easy"


def random_date(rng: random.Random) -> dt.date:
    start = dt.date(2025, 1, 6)
    return start + dt.timedelta(days=rng.randint(0, (dt.date(2026, 11, 20) - start).days))


def main() -> None:
    rng = random.Random(SEED)
    records = []
    for v in VENDORS:
        dates = sorted(random_date(rng) for _ in range(v["n"]))
        seq = v["seq0"]
        layouts = list(v["layouts"])
        weights = [v["layouts"][k] for k in layouts]
        for i, d in enumerate(dates):
            seq += rng.randint(1, 40) if v["inv"] not in ("{seq}",) else rng.randint(5, 900)
            layout = rng.choices(layouts, weights=weights)[0]
            inv = make_invoice(v, layout, d, seq, rng)
            if layout in ("receipt",) or (layout == "saas" and rng.random() < 0.5):
                inv["due"], inv["terms"] = None, None
            if layout == "saas" and inv["due"] is None and rng.random() < 0.5 and v["terms"] != [None]:
                inv["terms"] = rng.choice([t for t in v["terms"] if t] or [14])
                inv["due"] = inv["date"] + dt.timedelta(days=inv["terms"])
            doc = Doc(v, inv, rng)
            doc.inv_no = invoice_number(v, inv)
            text = RENDERERS[layout](doc).rstrip() + "\n"
            text = text.rstrip("\n")
            if inv["due"] is None:
                doc.features.append("no_due_date")
            expected = {
                "vendor": v["name"],
                "invoice_number": doc.inv_no,
                "date": inv["date"].isoformat(),
                "currency": inv["cur"],
                "total": int(inv["total"]) if inv["cur"] in ZERO_DECIMAL else float(inv["total"]),
                "due_date": inv["due"].isoformat() if inv["due"] else None,
            }
            assert v["name"] in text, (v["name"], layout)
            assert doc.num(inv["total"]) in text, (doc.num(inv["total"]), layout)
            assert doc.date(inv["date"]) in text, layout
            assert inv["due"] is None or doc.date(inv["due"], True) in text, layout
            assert doc.inv_no in text, (doc.inv_no, layout)
            feats = sorted(set(doc.features))
            tags = [LAYOUT_TAG[layout], f"lang:{v['lang']}", f"locale:{v['locale']}", difficulty(feats)] + feats
            records.append({"split": v["split"], "cluster": v["name"], "text": text, "expected": expected, "tags": tags})
    rng.shuffle(records)
    out_lines = []
    for i, r in enumerate(records, start=1):
        out_lines.append(json.dumps({
            "id": f"ie-{i:05d}",
            "input": {"document": r["text"]},
            "expected": r["expected"],
            "split": r["split"],
            "tags": r["tags"],
            "cluster": r["cluster"],
            "labels": [],
        }, ensure_ascii=False))
    data = ("\n".join(out_lines) + "\n").encode("utf-8")
    (HERE / "v1.jsonl").write_bytes(data)
    write_manifest(hashlib.sha256(data).hexdigest(), len(out_lines))


def write_manifest(digest: str, count: int) -> None:
    q = json.dumps  # JSON strings are valid YAML double-quoted scalars
    text = "\n".join([
        f"name: {NAME}",
        "description: " + q(
            "Plain-text invoices, receipts, billing emails and statements (English, German, French, Dutch, Spanish; "
            "15 locales, 10 currencies) from which a model extracts a JSON object with exactly the keys vendor, "
            "invoice_number, date, currency, total, due_date. Rules: vendor is the issuing business exactly as its name "
            "is printed; invoice_number is the invoice/receipt/bill number, not an order, PO, customer or account "
            "number; date is the issue date as YYYY-MM-DD, reading numeric dates in the vendor's locale (the vendor's "
            "country is stated in every document); currency is the ISO 4217 code; total is a number, the grand total "
            "including tax, shipping and discounts - not the subtotal, and not a balance due that differs because of a "
            "deposit, payment, credit or earlier balance; due_date is the payment due date as YYYY-MM-DD, or null when "
            "the document gives none. Cluster = vendor; train and test use disjoint vendors."),
        "source: " + q("Generated by datasets/invoice-extraction/generate.py (seed 11) from hand-written vendors, item "
                       "catalogues and layout templates; all businesses, people and numbers are fictional."),
        "licence: CC0-1.0",
        "task_class: extraction",
        "fields:",
        "  document: " + q("The full text of one invoice, receipt, billing email or statement."),
        "versions:",
        '  "1":',
        "    file: v1.jsonl",
        f"    sha256: {digest}",
        f"    cases: {count}",
        f'    created: "{CREATED}"',
        "    notes: " + q("First version."),
        "",
    ])
    (HERE / "dataset.yaml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
