#!/usr/bin/env python3
"""Generate datasets/support-intents/v1.jsonl and dataset.yaml.

Deterministic: Python 3.11 standard library only, fixed seed. Rerunning it reproduces byte-identical
files. Every phrase bank below was written for this dataset (CC0-1.0).

The fictional company is "Hearthly": it sells smart-home devices in an online store and a cloud
subscription ("Hearthly Plus"). Each message is composed from an intent's core ask, optional context,
details, asides from another intent (multi-topic), greetings, closers, signatures and channel framing,
then optionally roughened with typos. A set of hand-written hard cases (boundary cases between
confusable intents) is mixed in. Labels follow the guidelines in LABEL_GUIDE.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import string
from pathlib import Path

SEED = 7
NAME = "support-intents"
CREATED = "2026-11-25"
HERE = Path(__file__).resolve().parent

# Number of cases per split and label (train, test). Realistically imbalanced.
COUNTS = {
    "billing": (124, 42),
    "refund": (124, 42),
    "shipping": (150, 50),
    "technical_issue": (160, 52),
    "account_access": (105, 35),
    "cancellation": (105, 35),
    "product_question": (110, 37),
    "feedback": (82, 27),
}
LABELS = list(COUNTS)

LABEL_GUIDE = {
    "billing": "charges, invoices and receipts, payment methods, failed or duplicate payments, prices on a bill, tax",
    "refund": "getting money back for an order, a return or a subscription period; the status of a refund",
    "shipping": "delivery status, tracking, delays, lost or partial parcels, delivery address, shipping options and costs",
    "technical_issue": "a device, the app or the website not working: errors, crashes, connectivity, failed setup",
    "account_access": "logging in, passwords, two-factor codes, locked or compromised accounts, login email, shared users",
    "cancellation": "cancelling or downgrading a subscription, stopping auto-renewal, cancelling an unshipped order, closing the account",
    "product_question": "questions about features, specs, compatibility, availability, warranty or how to use something that works",
    "feedback": "compliments, complaints or suggestions that ask for no specific action",
}

# ----------------------------------------------------------------------------------------------------
# Slot values
# ----------------------------------------------------------------------------------------------------

PRODUCTS = [
    "Cam Mini", "Cam Outdoor 2", "Doorbell Pro", "Thermo S2", "Thermo S2 thermostat", "smart plug",
    "Smart Plug 4-pack", "leak sensor", "Hub v3", "hub", "motion sensor", "Smart Lock L1", "smart lock",
    "Floodlight Cam", "indoor camera", "outdoor camera", "video doorbell", "door/window sensor kit",
    "chime extender", "Cam Mini 2-pack", "solar panel for the Cam Outdoor", "keypad",
]
PLANS = ["Plus", "Plus Family", "Pro Monitoring", "Hearthly Plus", "Plus annual", "monthly Plus", "Pro plan"]
CAMERAS = ["Cam Mini", "Cam Outdoor 2", "Doorbell Pro", "Floodlight Cam", "indoor camera", "outdoor camera",
           "video doorbell", "back garden camera"]
BATTERY_DEVICES = ["Cam Outdoor 2", "Doorbell Pro", "leak sensor", "motion sensor", "Smart Lock L1", "keypad",
                   "door sensor", "battery doorbell"]
CARRIERS = ["UPS", "DHL", "FedEx", "USPS", "Royal Mail", "DPD", "PostNL", "Canada Post", "Hermes", "GLS", "Evri", "La Poste"]
COUNTRIES = ["Ireland", "Canada", "Norway", "Switzerland", "Australia", "Portugal", "Poland", "Mexico",
             "New Zealand", "Iceland", "the Channel Islands", "Puerto Rico", "Finland", "Greece", "Japan"]
CITIES = ["Leeds", "Rotterdam", "Austin", "Lyon", "Calgary", "Bristol", "Munich", "Denver", "Cork", "Porto",
          "Glasgow", "Tampa", "Utrecht", "Brisbane", "Ghent", "Halifax", "Sacramento", "Nantes"]
DEVICES = ["iPhone 12", "iPhone 15", "Pixel 7", "Pixel 8a", "Samsung S21", "Galaxy A54", "iPad", "OnePlus 9",
           "Android tablet", "iPhone SE", "Moto G", "Xiaomi phone", "Fire tablet"]
BROWSERS = ["Chrome", "Firefox", "Safari", "Edge", "Brave", "Chrome on a Chromebook"]
ERRORS = ["E-104", "E-221", "error 503", "code 17", "ERR_PAIRING_TIMEOUT", "error 0x80", "E-9", "'Something went wrong (40012)'",
          "'Device unreachable'", "'Hub not found'", "error 401", "'Sync failed'", "E-310", "'Unexpected token'"]
FIRST = ["Maria", "John", "Priya", "Tomasz", "Aisha", "Liam", "Sofia", "Chen", "Olu", "Grace", "Mateo", "Hannah",
         "Yusuf", "Elena", "Dave", "Ines", "Kenji", "Fatima", "Bram", "Chloe", "Ravi", "Agnieszka", "Marcus",
         "Noor", "Pete", "Lucia", "Sven", "Tanya", "Femi", "Ruth", "Jordan", "Mei"]
LAST = ["Keller", "O'Brien", "Shah", "Nowak", "Bello", "Murphy", "Rossi", "Wang", "Adeyemi", "Park", "Garcia",
        "Schmidt", "Demir", "Popescu", "Thompson", "Costa", "Sato", "Khan", "de Vries", "Martin", "Iyer",
        "Kowalczyk", "Brown", "Haddad", "Walsh", "Fernandez", "Lindqvist", "Ivanova", "Okafor", "Levy"]
AGENTS = ["Sam", "Jess", "Ahmed", "Claire", "Marco", "Tim", "Nadia", "Ollie", "Bea", "Kwame"]
COMPANIES = ["Brightline Dental", "Oakfield Lettings", "Northgate Physio", "Kestrel Studio", "Millbrook Café",
             "Harbour & Co Accountants", "Pine Ridge Vets", "Tandem Yoga", "Vireo Architects", "Saltmarsh B&B"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MAILDOMAINS = ["gmail.com", "outlook.com", "yahoo.co.uk", "icloud.com", "hotmail.com", "gmx.de", "proton.me", "btinternet.com"]


PRICE_VALUES = [49.99, 59, 64.99, 79.99, 89.95, 99, 119.98, 129, 149.99, 179, 199.99, 239, 349]
FEE_VALUES = [3.99, 4.99, 5.99, 6.99, 9.99, 12.5, 12.99, 14.99, 19.99, 29.99, 49.99, 99.99, 119]


def _money(rng: random.Random, values: list | None = None) -> str:
    value = rng.choice(values or PRICE_VALUES + FEE_VALUES)
    cur = rng.choice(["$", "$", "$", "£", "£", "€", "€", "EUR ", "USD ", "CAD ", "A$"])
    txt = f"{value:.2f}" if isinstance(value, float) else str(value)
    if cur == "€" and rng.random() < 0.5:
        return txt.replace(".", ",") + " €"
    if cur.strip().isalpha() and rng.random() < 0.5:
        return f"{txt} {cur.strip()}"
    return f"{cur}{txt}"


def _order(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return f"#HL{rng.randint(10000, 999999)}"
    if kind == 1:
        return f"HL-{rng.randint(100000, 9999999)}"
    if kind == 2:
        return f"#{rng.randint(100000, 999999)}"
    if kind == 3:
        return f"{rng.randint(1000000, 9999999)}"
    if kind == 4:
        return f"HL{rng.randint(2024, 2026)}-{rng.randint(1000, 99999):05d}"
    return f"#W{rng.randint(100000, 999999)}"


def _date(rng: random.Random) -> str:
    kind = rng.randrange(9)
    d, m = rng.randint(1, 28), rng.randint(1, 12)
    if kind == 0:
        return f"{MONTHS[m - 1]} {d}"
    if kind == 1:
        return f"{d} {MONTHS[m - 1][:3]}"
    if kind == 2:
        return f"{d:02d}/{m:02d}"
    if kind in (3, 4):
        return rng.choice(WEEKDAYS)
    if kind == 5:
        return f"2026-{m:02d}-{d:02d}"
    if kind == 6:
        return f"the {d}{'th' if 4 <= d <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(d % 10, 'th')}"
    if kind == 7:
        return f"{m}/{d}"
    return f"{d}.{m}"


def _email(rng: random.Random) -> str:
    first, last = rng.choice(FIRST).lower(), rng.choice(LAST).lower().replace("'", "").replace(" ", "")
    pattern = rng.randrange(4)
    local = [f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}", f"{last}.{first}"][pattern]
    return f"{local}@{rng.choice(MAILDOMAINS)}"


SLOT_MAKERS = {
    "product": lambda r: r.choice(PRODUCTS),
    "cam": lambda r: r.choice(CAMERAS),
    "battery_dev": lambda r: r.choice(BATTERY_DEVICES),
    "plan": lambda r: r.choice(PLANS),
    "carrier": lambda r: r.choice(CARRIERS),
    "country": lambda r: r.choice(COUNTRIES),
    "city": lambda r: r.choice(CITIES),
    "device": lambda r: r.choice(DEVICES),
    "browser": lambda r: r.choice(BROWSERS),
    "error": lambda r: r.choice(ERRORS),
    "agent": lambda r: r.choice(AGENTS),
    "company": lambda r: r.choice(COMPANIES),
    "month": lambda r: r.choice(MONTHS),
    "weekday": lambda r: r.choice(WEEKDAYS),
    "amount": _money,
    "price": lambda r: _money(r, PRICE_VALUES),
    "fee": lambda r: _money(r, FEE_VALUES),
    "fee2": lambda r: _money(r, FEE_VALUES),
    "order": _order,
    "order2": _order,
    "date": _date,
    "date2": _date,
    "email": _email,
    "n": lambda r: str(r.choice([2, 3, 3, 4, 5, 6, 7, 8, 10, 12, 14])),
    "nword": lambda r: r.choice(["two", "three", "four", "five", "six", "ten"]),
    "last4": lambda r: f"{r.randint(0, 9999):04d}",
    "case": lambda r: r.choice(["#", "CS-", "case ", "ticket ", "ref "]) + str(r.randint(10000, 999999)),
    "promo": lambda r: r.choice(["WELCOME15", "BF2026", "SPRING10", "HOME20", "FRIENDS", "SAVE25", "NEWYEAR"]),
    "vat": lambda r: r.choice(["GB", "DE", "NL", "IE", "FR"]) + str(r.randint(100000000, 999999999)),
    "inv": lambda r: f"INV-{r.randint(2025, 2026)}-{r.randint(1000, 99999)}",
    "rma": lambda r: f"RMA{r.randint(10000, 99999)}",
    "hours": lambda r: r.choice(["2", "3", "6", "12", "24", "48"]),
    "temp": lambda r: str(r.randint(15, 24)),
}


class Slots(dict):
    """Fills {slot} placeholders lazily; a slot used twice in one message keeps its value."""

    def __init__(self, rng: random.Random):
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        if key == "product2":  # a second, different product
            value = self.rng.choice([p for p in PRODUCTS if p != self["product"]])
            self[key] = value
            return value
        value = SLOT_MAKERS[key](self.rng)
        self[key] = value
        return value


def fill(template: str, slots: Slots) -> str:
    return string.Formatter().vformat(template, (), slots)


def lines(block: str) -> list[str]:
    return [ln.strip() for ln in block.strip().splitlines() if ln.strip() and not ln.strip().startswith("##")]


# ----------------------------------------------------------------------------------------------------
# Phrase banks per intent
#   core:    the main ask, as a full sentence (or two)
#   short:   terse versions, as typed into a chat box
#   context: background that can precede the ask
#   detail:  extra detail that can follow the ask
#   aside:   a secondary mention of this topic inside a message about something else
# ----------------------------------------------------------------------------------------------------

BANKS: dict[str, dict[str, list[str]]] = {}

BANKS["billing"] = {
    "core": lines("""
        I was charged {fee} twice for my {plan} subscription this month. Can you check what happened?
        Can you send me an invoice for my last payment? I need it for my expense report.
        How do I update the credit card on file? The old one expired and I don't see where to change it.
        Why did my bill go up from {fee} to {fee2}? I didn't change anything on my plan.
        Our invoices need to show the company name and VAT number ({company}, {vat}). Can you add those?
        My payment keeps failing even though the card works everywhere else.
        There's a charge from Hearthly on my statement for {amount} that I don't recognise. What is it for?
        Is it possible to switch from monthly to annual billing, and what would I pay?
        Can I pay by PayPal or bank transfer instead of a card?
        I'm being billed for more cameras than I actually have linked to my account.
        Where can I download older receipts? The billing page only shows the last three months.
        You charged me before the free trial ended. The trial was supposed to run until {date}.
        The invoice for {month} has my old billing address on it. Could you reissue it?
        Is sales tax included in the {amount} or added on top at checkout?
        I got an email saying my payment was declined, but my bank shows the money left my account.
        Please change the billing email to {email} so invoices go straight to our accounts team.
        I entered the promo code {promo} at checkout but was charged full price.
        Why am I being billed in dollars when I live in Germany? My bank is adding conversion fees.
        Can we split the payment for the annual plan across two cards?
        My renewal came through at {fee} but your website says the plan is {fee2}.
        When is my next billing date? The app doesn't show it anywhere.
        I was charged a {fee} 'service fee' that wasn't mentioned when I signed up. What is that?
        The amount taken from my card doesn't match the receipt you emailed me.
        Can you confirm you received my bank transfer for invoice {inv}? I used the invoice number as the reference.
        My account shows an outstanding balance of {amount} but I paid it on {date}.
        I still see a charge for Plus Family even though I switched to the cheaper Plus plan last month. Which one am I paying for?
        There's a pending authorisation of {amount} on my card from an order last week. When does that drop off?
        Please remove my old card ending in {last4}. I don't want it stored on the account any more.
        Could you explain the line 'proration adjustment' on my latest invoice?
        Can the invoices be addressed to my employer, {company}, instead of me personally?
        I need a receipt with the VAT shown separately so I can claim it back.
        Apple Pay took the payment twice at checkout. One order, two charges.
        What does the charge labelled HEARTHLY*SUBS on my card statement relate to?
        Our direct debit failed because we changed banks. How do we set up the new account details?
        I was billed {price} for order {order} but the order confirmation said a different amount.
        We manage five properties. Can all the subscriptions be put on one consolidated monthly invoice?
        The invoice PDF link in your email just says 'expired'. Can you resend invoice {inv}?
        You took the monthly payment on the 1st instead of the 15th like it has always been. Why did the date change?
        My card was charged in GBP but I picked euros at checkout, so now the amount is off.
        How do I get a copy of every invoice from last year for our accountant?
        I want to pay for the year upfront but the checkout keeps putting me on monthly billing.
        Do you charge the subscription per camera or per home? My invoice has {n} separate lines.
        There are two subscriptions billing on my card and I only have one account. Can you check which account the second one is on?
        The tax rate on my invoice looks wrong. I'm in Ireland, and you charged 25%.
        I used store credit for part of order {order} but the full amount was still taken from my card.
        Why is there a {fee} charge dated {date} when my plan renews in {month}?
    """),
    "short": lines("""
        charged twice??
        need an invoice for {month} pls
        how do i update my payment method
        why was i charged {amount}
        card declined but money taken
        wrong amount on my bill
        receipt for order {order}?
        unknown charge {amount} on my card
        how do I change my card
        VAT invoice needed
        next billing date?
        double charge
        invoice with company name please
        pay by paypal?
        billing address wrong on invoice
        promo code not applied
        payment failed again
        who is HEARTHLY*SUBS
    """),
    "context": lines("""
        I've been a Plus subscriber since {month} last year.
        I just checked my bank statement.
        Our office uses Hearthly cameras at two locations.
        I'm doing my expenses for the quarter.
        My bank flagged a transaction this morning.
        I changed banks recently.
        I looked at the billing section in the app but it's confusing.
        We added a second camera in {month}.
        My accountant is asking me for paperwork.
        I signed up during the Black Friday offer.
    """),
    "detail": lines("""
        The transaction ID on my statement is HL{last4}{last4}.
        I've attached a screenshot of the statement.
        My account email is {email}.
        The card ends in {last4}.
        It happened on {date}.
        I'd rather not have to call my bank about this.
        I just need it sorted before my accountant's deadline.
        This is the second month in a row.
    """),
    "aside": lines("""
        Also, my last invoice still has the wrong address on it, but that can wait.
        Side note: I seem to have been charged twice last month as well, could someone look at that at some point?
        Unrelated, but where do I download my invoices?
        Also, can you tell me when my next payment is due?
        Oh and the card on file is expiring soon, I'll update it later.
        PS I think the VAT on my last invoice was wrong, not a big deal.
    """),
}

BANKS["refund"] = {
    "core": lines("""
        I sent the {product} back on {date} and still haven't received my refund. When will it be processed?
        I'd like a refund for the {product}. It isn't what I expected.
        Please refund the {price} for order {order}.
        The {product} arrived cracked and I want my money back, not a replacement.
        I forgot to cancel before the renewal and got charged {fee} for a year I won't use. Can I have that refunded?
        How long do refunds usually take to show up on a credit card?
        Your email says my refund was issued on {date}, but there's nothing on my statement.
        Can I get a partial refund? The {product} came with a part missing and I've had to buy a replacement part myself.
        {agent} in chat promised me a refund last week ({case}). Nothing has come through.
        The card I paid with has been cancelled. Can the refund go to a different card?
        I'm inside the 30-day window and want to return the {product} for a full refund. How do I start?
        The refund I got was {amount} less than what I paid. Where did the rest go?
        The package came a week after the guaranteed date, so I'd like the express shipping fee refunded.
        Return label printed and parcel dropped off with {carrier}. What happens with my refund now?
        I don't want store credit. Please put the refund back on my original payment method.
        You cancelled my order because it was out of stock, but the money was never returned to my card.
        I bought the {product} and the price dropped by {fee} a week later. Can you refund the difference?
        Please process the refund for {rma}. The warehouse confirmed they received it.
        Do I really have to pay the restocking fee? I'd like the full {price} back, the box was never opened.
        The {product} gave up after two weeks and honestly I'd rather have a refund than another one.
        I was charged for a month of Plus after I cancelled. Please refund that month.
        I got the {product} as a gift and it doesn't suit our house. Can I return it for a refund without a receipt?
        I returned two items from order {order} but only one was refunded.
        Could you refund the annual plan? I've only used it for {nword} days and it's not for us.
        Your website says refunds take 5-7 business days. It has been {n} weeks.
        My refund status has said 'pending' since {date}. Can someone push it through?
        I accidentally ordered the {product} twice. I've sent one back, so please refund it.
        I'd like my money back for the Pro Monitoring month when the service was down for days.
        The courier lost my return but I have the drop-off receipt. Can you still refund me?
        I'm returning the {product} because it doesn't fit where I wanted it. Will the return shipping be refunded too?
        Can you tell me the refund amount before I send the {product} back? I want to know if the shipping is deducted.
        I was told I'd get a refund once the return was inspected. It's been inspected, so where is it?
        The bundle discount disappeared when I returned one item and now my refund is tiny. Please refund the correct amount.
        I'd like a refund for the unused months on my Plus Family plan.
        Refund please: the {product} is a completely different colour from the photos.
        My bank says no refund has been initiated from your side. Can you send me the refund reference?
    """),
    "short": lines("""
        refund pls
        where is my refund
        want my money back
        refund for order {order}
        still no refund
        how long do refunds take
        refund status?
        refund not received after {n} weeks
        return + refund for {product}
        please refund me
        can i get a refund
        partial refund?
        refund the renewal please
        refund still pending
    """),
    "context": lines("""
        I bought the {product} on {date}.
        I've been a customer for years and never asked for this before.
        The {product} was a present for my dad.
        I already returned the item using your prepaid label.
        Your returns page says I'm eligible.
        I contacted you about this on {date} too.
        We moved house and don't need the outdoor cameras any more.
        I only opened the box to check the colour.
    """),
    "detail": lines("""
        The order number is {order}.
        Tracking for the return shows it was delivered to your warehouse on {date}.
        I still have the original packaging.
        I paid with the card ending in {last4}.
        I'm not interested in a replacement.
        I've attached the return receipt.
        It has been {n} days since you got it back.
    """),
    "aside": lines("""
        Also still waiting on a refund from my last return, no rush.
        PS: while you're at it, could you check on the refund for my previous order?
        Side note: I was told I'd get a partial refund for the missing bracket, never got it.
        Also I'd like to know if the return for the other item was refunded yet.
    """),
}

BANKS["shipping"] = {
    "core": lines("""
        Where is my order {order}? The tracking hasn't updated in {n} days.
        Tracking says delivered but nothing arrived. I've checked with the neighbours.
        Can I change the delivery address for order {order}? I'm moving on {date}.
        Do you ship to {country}?
        My package has been stuck in customs in {country} for a week. Who pays the import fees?
        How long does standard shipping take to {city}?
        It's been {n} days and my order still says 'processing'. When will it actually ship?
        Can I collect my order from a pickup point instead of having it delivered?
        {carrier} left my parcel with a neighbour but the card doesn't say which house. Can you find out?
        Only part of my order arrived. The {product} is missing from the box.
        Can you upgrade order {order} to express? I need it before {date}.
        {carrier} says the address is incomplete and they're sending my parcel back to you.
        The tracking link in the dispatch email goes to a 404 page. Where's my parcel?
        Can you deliver to a parcel locker? Nobody is home during the day.
        Will my order arrive before the weekend if I order today?
        You shipped to my old address even though I updated it in my account before ordering.
        The delivery estimate jumped from {date} to {date2}. Why the delay?
        My parcel was returned to sender. Can you send it out again?
        What are the shipping costs to {country}? The checkout just says 'calculated later'.
        Is there free shipping on orders over a certain amount?
        I ordered two things and got two tracking numbers. One of them shows nothing. Is it lost?
        The delivery driver marked my parcel as 'refused' but I never refused anything.
        Can you hold my order until I'm back from holiday on {date}?
        My order shows as shipped but {carrier} says they haven't received the package yet.
        Which courier do you use for deliveries to {city}? The tracking number format doesn't work on {carrier}.
        Can I add a delivery note? The gate code is 4471 and drivers keep failing to get in.
        I paid for next-day delivery on {date} and it still hasn't come.
        Are you shipping to {country} at the moment? The checkout won't accept my postcode.
        The box was left in the rain on my doorstep. Can you ask the courier to use the safe place I set?
        Is my order {order} going to come in one box or several?
        The website said in stock, ships in 24 hours. It has been {nword} days.
        My tracking says 'exception - delivery attempted' every day but nobody has rung the bell.
        Can you give me a delivery time slot? I work shifts.
        Has order {order} left the warehouse yet? I need to know whether to wait in on {weekday}.
        I'm in {city} and the tracking shows my parcel in another country. Is it on the right route?
    """),
    "short": lines("""
        where is my order
        order {order} not arrived
        tracking not updating
        says delivered but not here
        change delivery address?
        do you ship to {country}
        when will order {order} ship
        parcel missing
        stuck in customs
        still no package
        delivery delayed again
        tracking number pls
        eta for {order}?
        package returned to sender??
    """),
    "context": lines("""
        I ordered the {product} on {date}.
        I chose express delivery at checkout.
        It's a birthday present and the party is on {weekday}.
        I live in a block of flats with a concierge.
        I was home all day waiting.
        The order confirmation said 2-4 working days.
        I'm currently in {city} for work.
        {carrier} tracking just says 'label created'.
    """),
    "detail": lines("""
        The tracking number is 1Z{last4}9A0{n}{last4}.
        I need it before {date}.
        My postcode hasn't changed in years.
        I've already checked with {carrier} and they told me to contact you.
        There's no card through the door either.
        The order number is {order}.
    """),
    "aside": lines("""
        Also, my other order hasn't shipped yet, any idea when it will?
        Unrelated, the tracking link in your email doesn't work.
        PS the last parcel took ages to arrive as well.
        By the way, do you ship to {country}? Asking for my sister.
        Also the box was pretty battered when it arrived.
    """),
}

BANKS["technical_issue"] = {
    "core": lines("""
        My {product} keeps going offline every few hours and I have to unplug it to get it back.
        The app crashes as soon as I open live view on my {device}.
        I get {error} every time I try to add the {battery_dev} to the hub.
        Setup gets stuck at 'Connecting to Wi-Fi' no matter what I try.
        Motion alerts stopped coming through after the last app update.
        The {product} won't turn on at all. The LED stays off.
        Video history shows no clips for yesterday even though there was definitely movement.
        The thermostat says {temp} degrees but the room is obviously much colder.
        A firmware update failed halfway and now the {product} just blinks red.
        The web dashboard won't load in {browser}. It's just a blank white page.
        Two-way audio on the doorbell has a delay of several seconds, so it's unusable.
        Night vision on the {cam} is completely black.
        My smart plug no longer responds to voice commands from Alexa or Google.
        The battery in the {battery_dev} is flat after two days when it should last months.
        Notifications arrive {n} minutes after the event, which makes them pointless.
        The smart lock jams halfway and makes a grinding noise.
        I replaced my router and now none of my devices will reconnect.
        Live view loads for a second and then says {error}.
        The app logs me out and shows a blank screen whenever I switch to the Devices tab on my {device}.
        The camera image is pink and washed out during the day.
        The hub's light is flashing orange and the app says {error}.
        Clips download as 0 KB files that won't play.
        The doorbell rings in the app but the indoor chime stays silent.
        The thermostat schedule keeps resetting itself to default every night.
        The {product} shows as 'updating' in the app and has done for {n} hours.
        My {product} won't pair over Bluetooth during setup. The app never finds it.
        Every time I open the app on my {device} I get {error} and it closes.
        Geofencing doesn't work. The system doesn't arm when we leave the house.
        The leak sensor is sending false alarms in the middle of the night.
        The time stamp on my recordings is wrong by exactly one hour.
        Since the update the Floodlight Cam turns the light on randomly all night.
        The QR code on the {product} won't scan during setup. I've tried two phones.
        I can see the camera on Wi-Fi in my router but the app says offline.
        The Hearthly widget on my {device} home screen just shows 'loading' forever.
        Sound recording stopped working on all cameras even though audio is enabled in settings.
        The keypad beeps but doesn't arm the system any more.
        After the last update the app asks me to grant location permission over and over.
    """),
    "short": lines("""
        camera offline again
        app keeps crashing
        {product} not working
        {error} when pairing
        no motion alerts
        device wont connect to wifi
        live view not loading
        hub flashing orange
        firmware update stuck
        doorbell chime not ringing
        night vision broken
        thermostat not responding
        cant add new device
        recordings missing
    """),
    "context": lines("""
        I've had the {product} for about {nword} months without any issues.
        I'm on the latest version of the app.
        Our internet is fine, everything else in the house works.
        I've already restarted the router and the {product}.
        I tried a factory reset, no change.
        This started after the update on {date}.
        I'm using a {device}.
        I followed the troubleshooting page step by step.
        The {product} is about five metres from the router.
    """),
    "detail": lines("""
        I've already tried uninstalling and reinstalling the app.
        The serial number is HL{last4}{last4}.
        It happens on both my phone and my partner's.
        I can send logs if that helps.
        Our Wi-Fi is 2.4 GHz, I checked.
        I've attached a screenshot of the error.
        Restarting fixes it for about an hour.
    """),
    "aside": lines("""
        Also the app crashes now and then, but I can live with that.
        Side note: the camera drops offline occasionally too.
        PS motion notifications have been a bit delayed lately.
        Also, the web dashboard doesn't load in {browser}, but I use the app mostly anyway.
        Unrelated, but the thermostat schedule seems to reset sometimes.
    """),
}

BANKS["account_access"] = {
    "core": lines("""
        I can't log in. It says my password is wrong but I reset it ten minutes ago.
        The password reset email never arrives. I've checked spam and promotions.
        I lost my phone and can't get the two-factor code. How do I get back into my account?
        My account is locked after too many attempts. How long before I can try again?
        I think someone else has been in my account. There's a device I don't recognise in the login history.
        How do I change the email I log in with? I no longer have access to {email}.
        The verification code you text me has already expired by the time it arrives.
        My husband set up the account and we've separated. How can I get access to the cameras at my house?
        'Sign in with Google' just loops back to the login page.
        I need my partner to have her own login for our home. How do I invite her?
        It says no account exists with my email, but I've been paying for a year.
        Someone changed the password and email on my account. I need it back urgently.
        I got a login alert from a city I've never been to. How do I lock the account down?
        The app keeps asking me to log in again every time I open it.
        My authenticator app was wiped when I changed phones and I don't have the backup codes.
        I created two accounts by accident and can't remember which one has my devices.
        I'm the admin for {company} and an ex-employee still has access. How do I remove him?
        The reset link says 'this link is invalid or has expired' even when I click it straight away.
        I don't remember which email I signed up with. Can you look it up by my name or order number {order}?
        My elderly mum can't log in any more and the account is in her name. Can I be given access?
        I can log in on the website but the app says 'invalid credentials' with the same password.
        I signed up with Apple's 'hide my email' and now I can't log in on my Android phone.
        I want to turn off two-factor authentication, it's causing more trouble than it's worth.
        My login email has a typo in it from when I signed up. How can I fix it if I can't receive mail there?
        The shared user I added can see the cameras but can't log in on her tablet.
        It says my account has been suspended. Why, and how do I get it back?
        The security question answer isn't being accepted and I'm sure it's right.
        Every time I enter the 6-digit code it says 'incorrect code'.
        Your system forces me to change my password but then rejects every new one.
        I bought the house and the previous owner's account still controls the doorbell. How do I take it over?
        I changed my phone number and now 2FA codes go to the old number.
        I'm locked out and the recovery process asks for my last invoice number, which I can't see without logging in.
    """),
    "short": lines("""
        cant log in
        password reset not working
        locked out of my account
        no 2fa code
        reset email never came
        account hacked??
        forgot my password
        how to change login email
        verification code not arriving
        login loop
        account locked
        cannot sign in on app
        invalid credentials but password is right
    """),
    "context": lines("""
        I got a new phone last week.
        I haven't logged in for a few months.
        The cameras are still recording, I just can't see them.
        I'm travelling at the moment.
        I use a password manager so the password is definitely right.
        We have a shared family account.
        This started after I changed my email provider.
    """),
    "detail": lines("""
        My account email is {email}.
        I can verify my identity with the order number {order}.
        I've tried on the app and the website.
        The last four digits of the card on the account are {last4}.
        I'm worried about the cameras being accessed by someone else.
        I've tried three different browsers.
    """),
    "aside": lines("""
        Also I keep getting logged out of the app, but that's a minor thing.
        PS my partner can't log in on her phone either.
        Side note, the password reset emails take ages to arrive.
        Also, how do I add a second user at some point?
    """),
}

BANKS["cancellation"] = {
    "core": lines("""
        Please cancel my {plan} subscription, effective immediately.
        How do I turn off auto-renewal? I don't want to be charged again in {month}.
        I'd like to cancel order {order}. I ordered the wrong model.
        Cancel my account and delete all my data, please.
        I'm moving abroad and won't need the monitoring service. Please end it at the end of this billing period.
        Can I cancel Pro Monitoring but keep my Plus plan?
        The cancel button in the app does nothing when I tap it. Please just cancel my subscription for me.
        Is there a fee if I cancel before the 12-month contract is up?
        Please don't ship order {order}. I want to cancel it.
        This is the third time I've asked you to cancel my subscription.
        We've sold the house, so please close the account and stop all subscriptions.
        I want to downgrade from Plus Family to the free plan when this month ends.
        Cancel the second camera's subscription, I've taken that camera down.
        How do I cancel? I can't find the option anywhere in the app or on the site.
        I signed up for the free trial and want to cancel before it converts to paid.
        Please cancel the order I placed an hour ago, I found the {product} cheaper elsewhere.
        Stop the monthly subscription. We're going with another provider.
        I only signed up for one month to test. Please make sure it doesn't renew.
        Can you confirm my cancellation went through? I didn't get an email.
        My mum passed away and I need to close her Hearthly account and cancel the subscription.
        Can I pause my subscription for the winter instead of cancelling?
        Cancel everything. Account, subscription, all of it.
        I want to cancel the {product} from my pre-order, but keep the rest of the order.
        Please end my Pro Monitoring contract when it expires on {date}.
        I would like to terminate our business account for {company} at the end of the month.
        Can you cancel the automatic renewal but let me keep using it until the end of the year I paid for?
        Is cancelling in the app enough, or do I also need to remove my card?
        I upgraded to annual by mistake. Please cancel that and put me back on monthly.
    """),
    "short": lines("""
        cancel my subscription
        pls cancel order {order}
        how do i cancel
        stop auto renew
        close my account
        cancel plus
        cancel before trial ends
        unsubscribe me from the paid plan
        cancel pro monitoring
        i want to cancel
        delete my account
        don't renew my plan
    """),
    "context": lines("""
        We're moving into a rented flat where we can't have cameras.
        Money is tight at the moment.
        I only really used it for the holiday season.
        I've switched to a different security system.
        The service just isn't worth it for us anymore.
        My kids are grown up and we don't need the indoor cameras.
        I placed the order by mistake this morning.
    """),
    "detail": lines("""
        My account email is {email}.
        Please confirm by email once it's done.
        I don't want any more charges after today.
        The order number is {order}.
        I'm happy to keep the devices, just not the subscription.
        Please do not try to talk me out of it.
    """),
    "aside": lines("""
        Also, I'm thinking about cancelling the monitoring add-on next month.
        PS, how would I cancel if I ever wanted to? Just curious.
        Side note: I might close the account for my holiday home later this year.
        Also, please make sure my old plan isn't renewing, I'm not sure I cancelled it properly.
    """),
}

BANKS["product_question"] = {
    "core": lines("""
        Does the {product} work with Apple HomeKit?
        Is the Cam Outdoor 2 okay in winters down to minus 20?
        Can I use the doorbell without a subscription, or is Plus required?
        What's the difference between Plus and Plus Family?
        Does the Thermo S2 need a C-wire, or can it run without one?
        How many cameras can one hub support?
        When will the {product} be back in stock?
        Do you sell a longer power cable for the Cam Mini?
        Does the smart lock have a physical key as a backup?
        Can video be stored locally on an SD card instead of the cloud?
        What batteries does the leak sensor take?
        Does the app support more than one home? We have a holiday cottage.
        What's the warranty on the {product}?
        Is there a way to have the smart plug switch on at sunset automatically?
        Will the Smart Lock L1 fit a door that's 35 mm thick?
        Can the Floodlight Cam be wired into an existing outdoor light fitting?
        Does the Cam Mini record sound, and can I switch that off?
        Is the Doorbell Pro compatible with my existing chime?
        Can I share clips from the app straight to WhatsApp?
        What resolution does the Cam Outdoor 2 record at?
        Do the cameras work on 5 GHz Wi-Fi?
        Is there a business version of Plus for a small shop?
        How far away can the motion sensor detect movement?
        Can I set privacy zones so the camera doesn't record my neighbour's garden?
        Does the hub have a battery backup if the power goes out?
        Are the {product} and the {product2} sold as a bundle?
        How long is video history kept on the Plus plan?
        Does the thermostat work with underfloor heating?
        Do you have an installer service, or is it DIY only?
        Is the {product} the same as the one sold in shops, or a newer model?
        Can the keypad be used outdoors?
        Will the Smart Lock L1 work with a multipoint lock?
        Does the solar panel keep the Cam Outdoor charged in a north-facing garden?
        Can I use the {product} abroad with a different plug?
        Is there a student or senior discount on the Plus plan?
        How do I set up a schedule so the cameras only record when we're out? Everything works, I just can't find the setting.
        Can I mount the Cam Mini upside down on a ceiling and flip the image?
        Is the motion sensor pet-friendly? We have a large dog.
    """),
    "short": lines("""
        does it work with alexa
        is the {product} waterproof
        homekit support?
        warranty on {product}?
        {product} back in stock when
        need subscription for doorbell?
        sd card support?
        plus vs plus family?
        c-wire needed?
        works with google home?
        battery life of {battery_dev}?
        5ghz wifi ok?
    """),
    "context": lines("""
        I'm thinking about buying the {product}.
        We're renovating and planning the wiring now.
        I already have two Cam Minis.
        I'm comparing you with a couple of other brands.
        We rent, so I can't drill holes.
        I'm buying this for my parents who aren't very techy.
        Your product page doesn't say.
    """),
    "detail": lines("""
        I couldn't find this in the FAQ.
        I want to order this week if it does.
        Our house is quite old, if that matters.
        A link to the spec sheet would be great.
        I'd need it for the front and back of the house.
    """),
    "aside": lines("""
        Also, does the {product} work with Google Home? Just curious.
        PS, is the Cam Outdoor 2 coming back in stock soon?
        By the way, do you do a version with a longer cable?
        Also wondering if the doorbell works without a subscription, for my brother.
    """),
}

BANKS["feedback"] = {
    "core": lines("""
        Just wanted to say the new app update is so much faster. Great job.
        {agent} on your support team was really helpful yesterday. Please pass on my thanks.
        It would be great if the app had a dark mode.
        The packaging is way too much plastic for such a small device.
        I love the doorbell but the chime sound is grating. More sound options would be nice.
        Honestly, the new pricing feels like a cash grab. I'm not asking for anything, just saying.
        Suggestion: let us export clips in bulk instead of one at a time.
        Setup was super smooth, took me about five minutes. Well done.
        Your website is really hard to navigate on a phone.
        The wait times on your phone line are far too long. I gave up after 40 minutes.
        The cameras caught someone trying our car door last night and the police used the footage. Thank you.
        I wish the thermostat app showed energy use per room.
        The new app layout is worse. Everything takes two more taps than before.
        Your delivery partner was brilliant, very friendly driver.
        The instructions that came in the box were confusing. Pictures would help.
        Love the products, hate the subscription model.
        It would be nice to get an email summary of the week's motion events.
        Five stars for the Cam Mini. Tiny, and the picture is excellent.
        The chat bot is useless. I just wanted to say that somewhere.
        Why not let us choose which days the app sends the weekly report? Just an idea.
        The Smart Lock has been rock solid for a year, really impressed.
        Please add support for Matter. A lot of us are waiting for it.
        I'm disappointed that the Cam Outdoor doesn't come in white any more.
        Kudos to whoever designed the magnetic mount, it's clever.
        Your survey emails are too frequent.
        The new notification sound is lovely, much less jarring.
        I think you should offer a cheaper plan with fewer days of history.
        The tone of your marketing emails is a bit much, to be honest.
        Your returns process was the easiest I've ever dealt with.
        A widget for the lock on iOS would make my life so much easier.
        The hub is ugly. Can't you make one that doesn't look like a router?
        I was sceptical, but the leak sensor already saved our kitchen floor once.
        Feature request: let the thermostat use the motion sensors to detect occupied rooms.
    """),
    "short": lines("""
        love the new update
        great service, thanks
        please add dark mode
        app redesign is worse
        too much packaging
        thanks {agent}!!
        feature request: bulk export
        awful hold times
        fantastic product
        hate the new layout
        keep up the good work
    """),
    "context": lines("""
        I've been using Hearthly for about two years now.
        Not a complaint as such.
        No need to reply to this.
        I know you get a lot of complaints, so here's something positive.
        I filled in the survey but there wasn't room to say this.
        I've recommended you to three friends already.
    """),
    "detail": lines("""
        Just thought you should know.
        Anyway, that's my two cents.
        Keep it up.
        Hope this gets to the product team.
        Otherwise very happy.
        No response needed.
    """),
    "aside": lines("""
        By the way, love the new app design.
        PS your support team has always been great with me.
        Also, dark mode would be nice someday.
        Side note: the packaging was excessive, just saying.
        And the delivery driver was lovely, btw.
    """),
}

# ----------------------------------------------------------------------------------------------------
# Hand-written hard cases: the label is the main ask under LABEL_GUIDE; all sit near an intent boundary.
# ----------------------------------------------------------------------------------------------------

HARD: list[tuple[str, str]] = [
    # billing near refund / cancellation / account
    ("billing", "You charged me twice for the same month. I don't need anything refunded beyond the duplicate, I just want to understand why it keeps happening."),
    ("billing", "I cancelled ages ago yet I can still see a Hearthly charge on my card from this morning. What is this charge for?"),
    ("billing", "my card expired and now the app says my plan is suspended?? how do i put the new card in, i'm not trying to cancel"),
    ("billing", "Can't log in to download my invoices, but honestly I just need the March invoice emailed to me. Can you do that?"),
    ("billing", "We were told by your sales guy we'd get 20% off the first year. The first invoice is full price. Please correct the invoice."),
    ("billing", "Is the price of Plus going up next year? My renewal notice says one thing and the website another, and I want to know what I'll be billed."),
    ("billing", "The charge was meant to be in euros. Bank converted it from pounds and took a fee. Who do I talk to about that, you or them?"),
    ("billing", "Got an email 'Your payment failed - update now to avoid cancellation'. Is that real or phishing? If it's real, why did it fail?"),
    ("billing", "Order {order} - I paid by bank transfer 5 days ago and the order still says awaiting payment, so it hasn't shipped. Can you match the payment?"),
    ("billing", "Hi, I returned a camera and got refunded fine, thanks. But my monthly plan price didn't go down even though I have one camera fewer. Can you adjust what I'm billed?"),
    ("billing", "Third attempt at paying, third 'transaction declined'. Bank says they see no attempts at all. Is something wrong with your checkout payment page?"),
    ("billing", "pls stop sending the invoices to my old work email, they should come to me"),
    # refund near billing / cancellation / shipping / technical
    ("refund", "I cancelled my subscription on the 2nd and you still took the monthly payment on the 5th. I want that payment back."),
    ("refund", "The parcel never arrived and the courier has officially declared it lost. I don't want a replacement any more - please give me my money back."),
    ("refund", "Camera died after 3 weeks. Tried everything support suggested. At this point I'd just like to return it and be refunded."),
    ("refund", "I was double charged and your colleague agreed to reverse one of the payments. It's been two weeks. Where is that money?"),
    ("refund", "Cancel my order and refund me, it's already been charged. Order {order}."),
    ("refund", "Your app was down for the whole weekend and I pay for monitoring. I think a credit for those days is fair."),
    ("refund", "The lock doesn't fit our door after all. I know you said it would in chat. I've boxed it up, how do I get my money back?"),
    ("refund", "Delivered a week late, missed the birthday. Can I at least get the delivery charge back?"),
    ("refund", "Is it too late to get money back for the annual renewal? I only noticed it today, about 3 weeks after it renewed."),
    ("refund", "bought it for $129, now it's $89 on your site. either refund the difference or i return it."),
    ("refund", "My return was marked as received on {date}. The refund email says £0.00. That can't be right."),
    ("refund", "I'm not happy with the cam, picture quality is bad at night. Not a fault as such, I just don't like it. Can I return it for my money?"),
    # shipping near refund / cancellation / technical / product question
    ("shipping", "If my order doesn't arrive by Friday I want to cancel it. Can you tell me where it is right now?"),
    ("shipping", "Two of the three sensors are in the box, the third one's missing. I don't want a refund, just send the missing one."),
    ("shipping", "The tracking page gives an error when I put in my number. Is the parcel actually on its way?"),
    ("shipping", "I was charged for express and it's been 6 days. Mostly I just want to know when it's coming, we're leaving for holiday."),
    ("shipping", "Do you deliver to PO boxes? I'm about to order and need to know which address to use."),
    ("shipping", "Box arrived open and the doorbell is not in it. Just the manual and the screws."),
    ("shipping", "Bought a gift and want it sent straight to my sister in Galway, not to me. The order is already placed. Possible?"),
    ("shipping", "The app says my replacement hub has been sent but I have no tracking. Which courier is it with?"),
    ("shipping", "Hi - ordered on the 2nd, got a 'your order has been cancelled' email, then a 'your order has shipped' email. Which is it? Is it coming or not?"),
    ("shipping", "courier says they need a customs payment of 38 euros before they deliver. your website said duties included. do I pay it or not?"),
    # technical near account / product question / feedback
    ("technical_issue", "I can log in fine but once I'm in the app all my cameras have disappeared from the home screen."),
    ("technical_issue", "Does the Doorbell Pro normally take 10 seconds to show video when someone rings? Mine does and it's useless for seeing who's there."),
    ("technical_issue", "The new update is terrible - the app now freezes every time I open a clip. Please fix it."),
    ("technical_issue", "The app says 'session expired' every few minutes, even though I stay logged in on the website. Cameras keep dropping out of live view when it happens."),
    ("technical_issue", "The thermostat was installed by an electrician yesterday and it won't power on. Is it compatible with my boiler or is it faulty?"),
    ("technical_issue", "Why does my battery camera only last a week? Is that normal? It's supposed to last 3 months on the box."),
    ("technical_issue", "Tried to pay for Plus in the app and it crashes at the payment screen every time. Card is fine."),
    ("technical_issue", "I set up a shared user for my son and since then neither of us get motion alerts."),
    ("technical_issue", "I'm on the brink of asking for my money back. The camera disconnects every night at 2am. Before I do that, is there anything left to try?"),
    ("technical_issue", "The lock keeps saying 'jammed' even when the door is open and the bolt is clearly free."),
    # account access near technical / cancellation / billing
    ("account_access", "The app crashes right after I enter my password, so I can't get in at all. Website login works."),
    ("account_access", "I want to cancel, but I can't even log in to do that. The reset email never comes. Help me get in first."),
    ("account_access", "Someone placed an order on my account that I didn't make. I've changed my card, but how do I make sure they can't get into the account again?"),
    ("account_access", "My ex still has the login and keeps looking at the cameras. How do I kick all other sessions out?"),
    ("account_access", "I need to transfer the account to my business email, the personal one is going to be deleted. Billing should stay the same."),
    ("account_access", "Is there a way to give my cleaner access to the lock only, without giving her my password?"),
    ("account_access", "Got a text with a login code I didn't ask for. Does that mean somebody knows my password?"),
    ("account_access", "new phone, the authenticator didn't transfer, and the recovery code in my notes doesn't work"),
    ("account_access", "Your chat bot told me to log in to see my order status. I can't log in. That's the problem."),
    # cancellation near refund / billing / account / shipping
    ("cancellation", "Please stop charging me. I haven't used the cameras since we moved and don't want the plan anymore."),
    ("cancellation", "I just want to end the subscription at the end of the billing period. No refund needed."),
    ("cancellation", "If I delete the app does that cancel my Plus? If not, please cancel it, I don't want another payment."),
    ("cancellation", "I ordered by mistake 10 minutes ago. Stop the order before it ships please. I'll sort out any refund later if needed."),
    ("cancellation", "We're switching to a competitor that includes monitoring for free. I want to end our Pro Monitoring when the contract allows."),
    ("cancellation", "Can you make sure the free trial doesn't turn into a paid plan? I don't want to be billed."),
    ("cancellation", "Close the account that's under my old email please, I made a new one and don't need the old one."),
    ("cancellation", "How do I get out of the 2-year contract early? What would it cost me?"),
    ("cancellation", "Not renewing. Please turn off automatic renewal so the card isn't charged in January."),
    # product question near technical / billing / feedback / shipping
    ("product_question", "Is there a way to have the camera stop recording when I'm home? Not a bug, I just don't see a setting."),
    ("product_question", "How much is Plus per month for 4 cameras? Trying to work out if it's worth it before I buy more."),
    ("product_question", "Would be great if the Cam Mini worked with 5GHz - does it? Our router only broadcasts 5GHz."),
    ("product_question", "If I buy the Doorbell Pro now, will it work when I move house next month, or does it need re-installing?"),
    ("product_question", "Can I order the {product} in black? The website only shows white but I swear I saw a black one."),
    ("product_question", "Does cancelling Plus delete my saved clips, or can I still download them afterwards?"),
    ("product_question", "Does the hub need to be plugged into the router with a cable or can it go on Wi-Fi?"),
    ("product_question", "Which thermostat do I need for a combi boiler, the S2 or the S2 Pro?"),
    ("product_question", "How long would shipping to Norway take, and would I be able to use the EU plug there? Mainly want to know if the plug works."),
    # feedback near product question / technical / cancellation
    ("feedback", "Not really a question - I just think the app should let you rename clips. Would make finding things much easier."),
    ("feedback", "Your prices went up again. I'll stay for now but I'm really not impressed."),
    ("feedback", "Had a problem with my camera last month and your team fixed it in one email. Just wanted to say thanks."),
    ("feedback", "The doorbell works fine but honestly the app is cluttered. Too many menus."),
    ("feedback", "It's a shame you don't support Matter yet. I'll probably buy another brand for my next devices because of it."),
    ("feedback", "The delivery was quick and the box was well packed, cheers!"),
    ("feedback", "Cancelling was easier than I expected, thank you for not making it a nightmare like other companies."),
    ("feedback", "I got a refund within two days. Genuinely impressed."),
    # second batch: more boundary cases, several written in the customer's own muddled order
    ("billing", "So I upgraded to Plus Family mid-month and got charged the full price AND the old plan. Not asking to cancel, just want the bill to be right."),
    ("billing", "Where do I find the invoice for the camera I bought in the store? I need it for the warranty claim with my insurer."),
    ("billing", "The shop charged me shipping on an order over the free-shipping threshold. Checkout showed free, the card shows {fee} more."),
    ("billing", "my bank sent a fraud alert for a Hearthly payment of {amount}. I do have an account with you but I don't recognise that amount"),
    ("billing", "Is it normal that you take a 1 dollar test charge when I add a new card? It's still sitting on my account."),
    ("billing", "We're a charity - can the invoices be issued without VAT? We've sent our exemption certificate before."),
    ("refund", "I'm returning the hub, it's not broken, I just don't need it now that I have the doorbell. What do I get back after the return postage?"),
    ("refund", "You sent me the wrong colour. I'll keep it if you give me something back, otherwise I'll return it."),
    ("refund", "My son bought Plus on my card without asking. He's 12. Please reverse it."),
    ("refund", "Can I get the cost of the Pro Monitoring month back? The alarm went off while we were away and nobody called us, which is the whole point."),
    ("refund", "the cancellation went through fine but the money for the rest of the year hasn't come back. you said pro-rata."),
    ("shipping", "I ordered a replacement under warranty. Tech support said it would be sent within 48 hours. It's been a week. Has it been sent?"),
    ("shipping", "My order came but the box says Cam Mini and inside is a smart plug. Can you send the right item? Keeping the plug is fine, I'll pay for it."),
    ("shipping", "Can I change the delivery day? {carrier} gave me Tuesday and I'm at work."),
    ("shipping", "I got a text from '{carrier}' asking me to pay 1.99 to release my parcel. Is that really from your courier? And where actually is my order?"),
    ("shipping", "The parcel was delivered to my old flat. The new tenants won't answer. Can you help or do I chase the courier?"),
    ("technical_issue", "Since I changed my account password all the cameras show 'authorisation error' and won't stream. I can log in fine."),
    ("technical_issue", "The app shows my Plus subscription as inactive and won't show any recordings, but I'm definitely paying - the charge went out this month."),
    ("technical_issue", "Does anyone there actually test updates? Alerts have been broken for a week now. I'd like them working again."),
    ("technical_issue", "Bought the lock two days ago and the app won't let me finish setup - it hangs at 'calibrating'. Should I return it or is there a fix?"),
    ("technical_issue", "whenever it's cold outside the outdoor camera stops charging from the solar panel. is it supposed to do that? it's -2 here"),
    ("account_access", "I forgot my password and my email is from a job I left. All my clips are on that account. What can I do?"),
    ("account_access", "My daughter was added as a user and now she can change all the settings. Can I make her view-only?"),
    ("account_access", "The app wants me to verify my email before I can log in, but the verification email is going to an address with a typo."),
    ("account_access", "I want to cancel the extra login my brother-in-law has. He shouldn't see our cameras any more."),
    ("account_access", "locked out. reset link says expired. tried 4 times. cameras showing nothing because I'm not logged in on the tablet"),
    ("cancellation", "Your new price is {fee} a month. That's too much. I'd like to stop at the end of this month please."),
    ("cancellation", "I was charged for Plus but I thought the plan came free with the doorbell. I don't want it - please switch it off so it doesn't happen again."),
    ("cancellation", "Can you remove the monitoring add-on from my account? We got a dog so we just use the cameras now."),
    ("cancellation", "please stop my order #HL{last4}1 - I saw the delivery date and it'll arrive after we've left the country"),
    ("cancellation", "I don't want to lose my clips, but I don't want to keep paying either. Cancel it and tell me how long I'll have to download them."),
    ("product_question", "My camera works fine, but I'd like to know whether there's a way to see two cameras side by side on the iPad app."),
    ("product_question", "Before I buy a second hub: can two hubs run in the same house, one for the garage?"),
    ("product_question", "Does the Plus plan cover cameras at two addresses, or do I need a second subscription? Just want to understand what I'd be paying for."),
    ("product_question", "Will the Floodlight Cam ship with a UK plug or do I need an adapter?"),
    ("product_question", "If I return my Cam Mini and buy the Cam Outdoor instead, can I use it indoors too? Trying to decide which one to keep."),
    ("feedback", "The rep on the phone tried really hard to keep me as a customer. Bit much, but I appreciated that she was polite."),
    ("feedback", "Your billing emails are so confusing - three emails for one payment. Just a heads up, nothing's wrong with my account."),
    ("feedback", "Update: the camera's been fine since the firmware patch. Thanks for sorting it."),
    ("feedback", "Honestly your shipping is slow compared to everyone else. It arrived, no issue, but 9 days is a lot in 2026."),
]

# ----------------------------------------------------------------------------------------------------
# Channel framing
# ----------------------------------------------------------------------------------------------------

GREET = {
    "polite": ["Hi,", "Hello,", "Hi there,", "Dear Hearthly Support,", "Good morning,", "Good afternoon,",
               "Hello Hearthly team,", "Dear Sir or Madam,", "Hi team,", "Hello, I hope you can help.", "Hiya,"],
    "neutral": ["Hi,", "Hello,", "Hi", "Hey,", "Hello there,", "Hi support,", "To whom it may concern,", ""],
    "angry": ["Hello,", "Hi,", "", "Right.", "To whoever reads this:", "Hello?", "Again:"],
}
CLOSE = {
    "polite": ["Thanks in advance.", "Thank you for your help!", "Appreciate it.", "Many thanks.",
               "Looking forward to hearing from you.", "Thanks so much.", "Thank you!", "Any help appreciated.",
               "Thanks for your time.", "Hope you can help."],
    "neutral": ["Thanks.", "Thanks", "Cheers.", "Let me know.", "Thx", "", "Please advise.", "Ta."],
    "angry": ["This is ridiculous.", "Sort it out.", "I expect a reply today.", "Very disappointed.",
              "Worst customer service I've dealt with.", "If I don't hear back I'm going to my bank.",
              "I'll be leaving a review about this.", "Not good enough.", "Fix this.",
              "I've been a loyal customer and this is how I'm treated?", "Unbelievable."],
}
ANGRY_OPENERS = [
    "I am extremely frustrated.", "This is the third time I'm writing about this.", "Nobody has answered my last two emails.",
    "I've been on hold for an hour and gave up.", "Honestly, I can't believe I have to write this.",
    "Your chatbot is useless so I'm trying email.", "Fed up.", "I'm furious.",
]
ANXIOUS_OPENERS = [
    "Sorry to bother you, I'm not very good with technology.", "I hope this is the right place to ask.",
    "Apologies if this has been asked before.", "Sorry for the long message.",
    "I'm a bit confused and hoping you can help.",
]
SIGN_OFFS = ["Kind regards,", "Best regards,", "Regards,", "Best,", "Thanks,", "Cheers,", "Many thanks,", "Warm regards,", "--", "Sincerely,"]
TITLES = ["Operations Manager", "Office Administrator", "Practice Manager", "Director", "Facilities Coordinator", "Owner"]
DISCLAIMERS = [
    "This email and any attachments are confidential and intended solely for the addressee. If you have received it in error, please notify the sender and delete it.",
    "Please consider the environment before printing this email.",
    "CONFIDENTIALITY NOTICE: The contents of this message are confidential. Unauthorised use is prohibited.",
]
MOBILE_SIGS = ["Sent from my iPhone", "Sent from my Galaxy", "Get Outlook for Android", "Sent from Mail for Windows", "Sent from my iPad"]

SUBJECTS = {
    "billing": ["Invoice query", "Charge on my card", "Billing", "Payment issue", "Duplicate charge", "Invoice request", "Wrong amount"],
    "refund": ["Refund", "Refund request", "Where is my refund?", "Return and refund", "Money back"],
    "shipping": ["Where is my order?", "Delivery", "Order not received", "Tracking", "Delivery address", "Late delivery"],
    "technical_issue": ["Camera not working", "App problem", "Device offline", "Error", "Help with setup", "Bug"],
    "account_access": ["Can't log in", "Login problem", "Account locked", "Password reset", "Account access"],
    "cancellation": ["Cancel subscription", "Cancellation", "Cancel order", "Close account", "Please cancel"],
    "product_question": ["Question", "Product question", "Pre-sales question", "Compatibility", "Quick question"],
    "feedback": ["Feedback", "Thank you", "Suggestion", "A few thoughts", "Compliment"],
}
GENERIC_SUBJECTS = ["Help", "Question", "URGENT", "(no subject)", "Re: Your Hearthly order", "Re: Your receipt from Hearthly",
                    "Fwd: Hearthly", "Support request", "Re: Case update", "Hearthly", "help please", "Re: We'd love your feedback"]
FORM_TOPICS = ["General enquiry", "My order", "My account", "Devices & app", "Other", "Subscriptions", "Returns", "Payments"]

COMMON_MISSPELL = {
    "receive": "recieve", "received": "recieved", "address": "adress", "definitely": "definately", "separate": "seperate",
    "password": "pasword", "subscription": "subcription", "cancel": "cancell", "cancelled": "canceled",
    "refund": "refnud", "account": "acount", "invoice": "invioce", "tracking": "traking", "because": "becuase",
    "charged": "chrged", "delivery": "delivary", "really": "realy", "until": "untill", "which": "wich",
    "their": "thier", "weird": "wierd", "immediately": "immediatly", "business": "buisness", "camera": "camra",
    "thermostat": "thermastat", "notifications": "notifcations", "recommend": "reccomend", "payment": "payemnt",
    "whether": "wether", "doesn't": "doesnt", "can't": "cant", "don't": "dont", "I'm": "im", "it's": "its",
    "won't": "wont", "haven't": "havent", "you": "u", "please": "pls", "thanks": "thx",
}
KEY_NEIGHBOURS = {
    "a": "qs", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj", "i": "uo", "j": "hk",
    "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "r": "et", "s": "ad", "t": "ry", "u": "yi",
    "v": "cb", "w": "qe", "y": "tu",
}


def add_typos(text: str, rng: random.Random, rate: float) -> str:
    words = re.split(r"(\s+)", text)
    out = []
    for w in words:
        core = w.strip(".,!?;:()'\"")
        if not core or not core.isalpha() or len(core) < 4 or rng.random() > rate:
            if core in COMMON_MISSPELL and rng.random() < rate * 2:
                w = w.replace(core, COMMON_MISSPELL[core])
            out.append(w)
            continue
        if core in COMMON_MISSPELL and rng.random() < 0.6:
            out.append(w.replace(core, COMMON_MISSPELL[core]))
            continue
        chars = list(core)
        i = rng.randrange(1, len(chars) - 1)
        op = rng.randrange(4)
        if op == 0:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op == 1:
            del chars[i]
        elif op == 2:
            chars.insert(i, chars[i])
        else:
            c = chars[i].lower()
            chars[i] = rng.choice(KEY_NEIGHBOURS.get(c, c))
        out.append(w.replace(core, "".join(chars)))
    return "".join(out)


def chatify(text: str, rng: random.Random) -> str:
    t = text
    if rng.random() < 0.6:
        t = t.lower()
    if rng.random() < 0.5:
        t = re.sub(r"[.](\s|$)", r"\1", t)
    if rng.random() < 0.3:
        t = t.replace("?", "??")
    if rng.random() < 0.3:
        t = re.sub(r"\byou\b(?!')", "u", t)
        t = re.sub(r"\bplease\b", "pls", t)
    return t.strip()


def sentence_join(parts: list[str]) -> str:
    return " ".join(p for p in parts if p)


def core_pool(label: str, split: str) -> list[str]:
    """Every fourth core phrasing is held out of train, so test also measures unseen phrasings."""
    core = BANKS[label]["core"]
    return core if split == "test" else [t for i, t in enumerate(core) if i % 4 != 3]


def build_body(label: str, split: str, rng: random.Random, slots: Slots, tone: str, terse: bool) -> tuple[str, list[str]]:
    bank = BANKS[label]
    tags: list[str] = []
    if terse:
        body = [fill(rng.choice(bank["short"]), slots)]
        if rng.random() < 0.25:
            body.append(fill(rng.choice(bank["short"]), slots))
        return sentence_join(body), tags
    parts: list[str] = []
    angry_opener = tone == "angry" and rng.random() < 0.6
    if angry_opener:
        parts.append(rng.choice(ANGRY_OPENERS))
    if tone == "anxious":
        parts.append(rng.choice(ANXIOUS_OPENERS))
    if rng.random() < 0.5:
        parts.append(fill(rng.choice(bank["context"]), slots))
    parts.append(fill(rng.choice(core_pool(label, split)), slots))
    if rng.random() < 0.45:
        parts.append(fill(rng.choice(bank["detail"]), slots))
    if rng.random() < 0.12:
        parts.append(fill(rng.choice(bank["detail"]), slots))
    # multi-topic: an aside from another intent, placed after (usually) or before the main ask
    if rng.random() < 0.38:
        other = rng.choice([x for x in LABELS if x != label])
        aside = fill(rng.choice(BANKS[other]["aside"]), slots)
        if rng.random() < 0.2 and len(parts) > 1:
            parts.insert(1, aside)
        else:
            parts.append(aside)
        tags.append("multi_topic")
    if tone == "angry" and not angry_opener:
        parts.append(rng.choice(CLOSE["angry"]))
    return sentence_join(parts), tags


def signature(rng: random.Random) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    kind = rng.randrange(6)
    if kind == 0:
        return f"{rng.choice(SIGN_OFFS)}\n{first}"
    if kind == 1:
        return f"{rng.choice(SIGN_OFFS)}\n{first} {last}"
    if kind == 2:
        phone = f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
        return (f"{rng.choice(SIGN_OFFS)}\n{first} {last}\n{rng.choice(TITLES)} | {rng.choice(COMPANIES)}\n{phone}")
    if kind == 3:
        return f"{first[0]}.\n\n{rng.choice(MOBILE_SIGS)}"
    if kind == 4:
        return f"{rng.choice(SIGN_OFFS)}\n{first} {last}\n\n{rng.choice(DISCLAIMERS)}"
    return f"- {first}"


def compose(label: str, split: str, rng: random.Random) -> tuple[str, list[str]]:
    slots = Slots(rng)
    channel = rng.choices(["chat", "email", "web_form"], weights=[40, 38, 22])[0]
    tone = rng.choices(["neutral", "polite", "angry", "anxious"], weights=[42, 33, 17, 8])[0]
    terse = rng.random() < (0.30 if channel == "chat" else 0.07)
    body, tags = build_body(label, split, rng, slots, tone, terse)
    tags = [channel] + tags
    if terse:
        tags.append("terse")
    elif tone == "angry":
        tags.append(tone)
    if rng.random() < 0.22:  # typos go into what the customer typed, not the form fields or signature
        body = add_typos(body, rng, rate=rng.choice([0.04, 0.07, 0.1]))
        tags.append("typo")
    greet_tone = "angry" if tone == "angry" else ("polite" if tone in ("polite", "anxious") else "neutral")

    if channel == "chat":
        text = chatify(body, rng) if rng.random() < 0.65 else body
        if not terse and rng.random() < 0.35:
            g = rng.choice(["hi", "hello", "hey", "hi there", "hello?", "hiya", "good morning"])
            text = g + ("\n" if g.endswith("?") else rng.choice(["\n", " ", ", "])) + text
        if tone == "angry" and rng.random() < 0.5:
            text += rng.choice(["\nhello??", "\nanyone there", "\n!!!", " ridiculous", "\nreally annoyed"])
        if rng.random() < 0.15:
            text = re.sub(r"([.?!]) ", r"\1\n", text)
    elif channel == "email":
        subj_pool = SUBJECTS[label] if rng.random() < 0.5 else GENERIC_SUBJECTS
        if rng.random() < 0.12:
            subj_pool = SUBJECTS[rng.choice(LABELS)]  # customers mislabel their own subjects
        subject = rng.choice(subj_pool)
        greet = rng.choice(GREET[greet_tone])
        close = rng.choice(CLOSE[greet_tone])
        pieces = []
        if rng.random() < 0.55:
            pieces.append(f"Subject: {subject}")
            pieces.append("")
        if greet:
            pieces.append(greet)
            pieces.append("")
        pieces.append(body + (" " + close if close and rng.random() < 0.5 else ""))
        if close and not pieces[-1].endswith(close):
            pieces.append("")
            pieces.append(close)
        pieces.append("")
        pieces.append(signature(rng))
        text = "\n".join(pieces)
        tags.append("signature")
    else:  # web form
        pieces = []
        topic = rng.choice(FORM_TOPICS)
        if rng.random() < 0.6:
            pieces.append(f"Topic: {topic}")
        if rng.random() < 0.4:
            pieces.append(f"Order number: {slots['order'] if rng.random() < 0.7 else 'n/a'}")
        if rng.random() < 0.5:
            pieces.append(f"Name: {rng.choice(FIRST)} {rng.choice(LAST)}")
        msg = body
        if rng.random() < 0.5:
            close = rng.choice(CLOSE[greet_tone])
            msg = f"{msg} {close}".strip()
        pieces.append(("Message: " if pieces else "") + msg)
        text = "\n".join(pieces)
    return text, tags


def hard_case(label: str, template: str, rng: random.Random) -> tuple[str, list[str]]:
    slots = Slots(rng)
    text = fill(template, slots)
    channel = rng.choices(["chat", "email", "web_form"], weights=[45, 35, 20])[0]
    tags = [channel, "hard"]
    if rng.random() < 0.15:
        text = add_typos(text, rng, rate=0.06)
        tags.append("typo")
    if channel == "email" and rng.random() < 0.7:
        text = f"{rng.choice(GREET['neutral']) or 'Hi,'}\n\n{text}\n\n{signature(rng)}"
        tags.append("signature")
    elif channel == "chat" and rng.random() < 0.5:
        text = chatify(text, rng)
    elif channel == "web_form":
        text = f"Topic: {rng.choice(FORM_TOPICS)}\nMessage: {text}"
    return text, tags


def length_tags(text: str) -> list[str]:
    n = len(re.findall(r"[A-Za-z0-9']+", text))
    if n <= 8:
        return ["short"]
    if n >= 70:
        return ["long"]
    return []


def main() -> None:
    rng = random.Random(SEED)
    seen: set[str] = set()
    cases: list[dict] = []

    hard_by_label: dict[str, list[str]] = {}
    for label, tpl in HARD:
        hard_by_label.setdefault(label, []).append(tpl)

    for label in LABELS:
        n_train, n_test = COUNTS[label]
        pool = hard_by_label.get(label, [])[:]
        rng.shuffle(pool)
        # half of the hard cases go to test, half to train
        n_hard_test = (len(pool) + 1) // 2
        split_plan = [("test", pool[:n_hard_test]), ("train", pool[n_hard_test:])]
        for split, hards in split_plan:
            target = n_test if split == "test" else n_train
            made = 0
            for tpl in hards:
                text, tags = hard_case(label, tpl, rng)
                if text in seen:
                    continue
                seen.add(text)
                cases.append({"label": label, "split": split, "text": text, "tags": tags})
                made += 1
            while made < target:
                text, tags = compose(label, split, rng)
                if text in seen:
                    continue
                seen.add(text)
                cases.append({"label": label, "split": split, "text": text, "tags": tags})
                made += 1

    rng.shuffle(cases)
    out_lines = []
    for i, c in enumerate(cases, start=1):
        tags = c["tags"] + length_tags(c["text"])
        record = {
            "id": f"si-{i:05d}",
            "input": {"text": c["text"]},
            "expected": c["label"],
            "split": c["split"],
            "tags": tags,
            "cluster": None,
            "labels": [],
        }
        out_lines.append(json.dumps(record, ensure_ascii=False))
    data = ("\n".join(out_lines) + "\n").encode("utf-8")
    (HERE / "v1.jsonl").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    write_manifest(digest, len(out_lines))


def write_manifest(digest: str, count: int) -> None:
    q = json.dumps  # JSON strings are valid YAML double-quoted scalars
    guide = "; ".join(f"{k} = {v}" for k, v in LABEL_GUIDE.items())
    text = "\n".join([
        f"name: {NAME}",
        "description: " + q(
            "Customer-support messages (chat, email, web form) for a fictional smart-home company, Hearthly, "
            "each labelled with the one intent that is the customer's main ask. Includes typos, terse chat "
            "messages, long emails with signatures, multi-topic messages and hand-written boundary cases. "
            "Label guide: " + guide + "."),
        "source: " + q("Generated by datasets/support-intents/generate.py (seed 7) from hand-written phrase "
                       "banks and hand-written hard cases; all text written for this dataset."),
        "licence: CC0-1.0",
        "task_class: classification",
        "labels: [" + ", ".join(LABELS) + "]",
        "fields:",
        "  text: " + q("The customer's message, as received (may include subject line, form fields or signature)."),
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
