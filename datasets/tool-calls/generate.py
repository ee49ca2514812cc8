#!/usr/bin/env python3
"""Generate datasets/tool-calls/v1.jsonl and dataset.yaml.

Deterministic (seed 20261125, Python 3.11 stdlib only): rerunning writes byte-identical files.

Every request below was written by hand for this dataset (CC0-1.0). Each case lists the calls it expects in the
Berkeley Function Calling Leaderboard (BFCL) ground-truth convention: every parameter of the called tool appears in
`arguments` and maps to a LIST of acceptable values; "" in the list means the parameter may be omitted. An optional
parameter the user did not mention gets [""] (plus the schema default, since passing the default explicitly is
equivalent). Distractor tools are drawn with the seeded RNG.

    python3 datasets/tool-calls/generate.py
"""
from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

SEED = 20261125
CREATED = "2026-11-25"
HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------------------------------------------
# Tool pool
# --------------------------------------------------------------------------------------------------------------


def S(desc, **extra):
    return {"type": "string", "description": desc, **extra}


def N(desc, **extra):
    return {"type": "number", "description": desc, **extra}


def I(desc, **extra):
    return {"type": "integer", "description": desc, **extra}


def B(desc, **extra):
    return {"type": "boolean", "description": desc, **extra}


def E(desc, values, **extra):
    return {"type": "string", "enum": list(values), "description": desc, **extra}


DATE = "Date in YYYY-MM-DD format."
LOCATION = "City, optionally with region or country, e.g. 'Lyon, France' or 'Austin, TX'."
UNIT = ("celsius", "fahrenheit")

TOOL_LIST = [
    ("get_current_weather", "Get the current weather conditions (temperature, precipitation, wind) for a location.", {
        "location": S(LOCATION),
        "unit": E("Temperature unit.", UNIT, default="celsius"),
    }, ["location"]),
    ("get_weather_forecast", "Get the daily weather forecast for a location for the next N days, starting today.", {
        "location": S(LOCATION),
        "days": I("Number of days to forecast.", minimum=1, maximum=14),
        "unit": E("Temperature unit.", UNIT, default="celsius"),
    }, ["location", "days"]),
    ("convert_currency", "Convert an amount of money from one currency to another at the market exchange rate.", {
        "amount": N("Amount of money in the source currency."),
        "from_currency": S("Three-letter ISO 4217 code of the source currency, e.g. 'USD'."),
        "to_currency": S("Three-letter ISO 4217 code of the target currency, e.g. 'EUR'."),
        "date": S("Date of a historical rate, YYYY-MM-DD. Omit for the latest rate."),
    }, ["amount", "from_currency", "to_currency"]),
    ("convert_units", "Convert a physical quantity between units of length, mass, volume, temperature, speed or area.", {
        "value": N("The quantity to convert."),
        "from_unit": S("Unit of the given value, name or symbol, e.g. 'km', 'lb', 'fahrenheit'."),
        "to_unit": S("Unit to convert to, name or symbol."),
    }, ["value", "from_unit", "to_unit"]),
    ("search_flights", "Search available flights between two airports or cities on given dates.", {
        "origin": S("Departure airport IATA code or city name, e.g. 'JFK' or 'Boston'."),
        "destination": S("Arrival airport IATA code or city name."),
        "departure_date": S("Outbound date, YYYY-MM-DD."),
        "return_date": S("Return date, YYYY-MM-DD. Omit for a one-way search."),
        "passengers": I("Number of adult passengers.", minimum=1, maximum=9, default=1),
        "cabin_class": E("Cabin class.", ("economy", "premium_economy", "business", "first"), default="economy"),
    }, ["origin", "destination", "departure_date"]),
    ("get_flight_status", "Get the live status (scheduled/actual times, delays, gate) of a flight.", {
        "flight_number": S("Airline code followed by the flight number, e.g. 'BA117'."),
        "date": S("Departure date, YYYY-MM-DD. Defaults to today."),
    }, ["flight_number"]),
    ("search_hotels", "Search hotels with availability in a city for the given stay.", {
        "city": S("City to search in."),
        "check_in": S("Check-in date, YYYY-MM-DD."),
        "check_out": S("Check-out date, YYYY-MM-DD."),
        "guests": I("Number of guests.", minimum=1, default=1),
        "max_price_per_night": N("Maximum nightly rate in USD."),
    }, ["city", "check_in", "check_out"]),
    ("create_calendar_event", "Create an event in the user's calendar.", {
        "title": S("Event title."),
        "start": S("Start date and time, ISO 8601 local time, YYYY-MM-DDTHH:MM."),
        "duration_minutes": I("Length of the event in minutes.", minimum=5, default=60),
        "attendees": {"type": "array", "items": {"type": "string"}, "description": "Email addresses to invite."},
        "location": S("Where the event takes place."),
    }, ["title", "start"]),
    ("list_calendar_events", "List the events in the user's calendar for a date or date range.", {
        "start_date": S("First day to list, YYYY-MM-DD."),
        "end_date": S("Last day to list (inclusive), YYYY-MM-DD. Defaults to start_date."),
    }, ["start_date"]),
    ("set_reminder", "Set a one-off reminder that notifies the user at a given time.", {
        "message": S("What to remind the user about."),
        "remind_at": S("When to fire, ISO 8601 local time, YYYY-MM-DDTHH:MM."),
    }, ["message", "remind_at"]),
    ("send_email", "Send an email from the user's account.", {
        "to": {"type": "array", "items": {"type": "string"}, "description": "Recipient email addresses."},
        "subject": S("Subject line."),
        "body": S("Plain-text body of the message."),
        "cc": {"type": "array", "items": {"type": "string"}, "description": "Email addresses to copy."},
    }, ["to", "subject", "body"]),
    ("create_ticket", "Open a ticket in the IT/engineering issue tracker.", {
        "title": S("Short summary of the issue."),
        "description": S("Details of the issue."),
        "priority": E("Ticket priority.", ("low", "medium", "high", "urgent"), default="medium"),
        "component": S("Affected product area or team, e.g. 'billing', 'networking'."),
    }, ["title", "description"]),
    ("lookup_customer", "Find a customer record in the CRM.", {
        "query": S("The value to search for."),
        "search_by": E("Which field the query matches.", ("email", "customer_id", "phone", "company_name")),
    }, ["query", "search_by"]),
    ("update_deal_stage", "Move a CRM sales deal to a new pipeline stage, optionally updating its value or close date.", {
        "deal_id": S("Deal identifier."),
        "stage": E("New pipeline stage.", ("prospecting", "qualification", "proposal", "negotiation", "closed_won",
                                           "closed_lost")),
        "amount": N("Deal value in the deal's currency."),
        "expected_close_date": S("Expected close date, YYYY-MM-DD."),
    }, ["deal_id", "stage"]),
    ("create_invoice", "Create and issue an invoice to a customer.", {
        "customer_id": S("CRM customer identifier."),
        "amount": N("Invoice total."),
        "currency": S("Three-letter ISO 4217 code.", default="USD"),
        "due_date": S("Payment due date, YYYY-MM-DD."),
        "memo": S("Optional note printed on the invoice."),
    }, ["customer_id", "amount", "due_date"]),
    ("get_order_status", "Get the fulfilment status of a customer order in the shop.", {
        "order_id": S("Order number."),
    }, ["order_id"]),
    ("track_package", "Track a parcel shipment by tracking number.", {
        "tracking_number": S("Carrier tracking number."),
        "carrier": E("Carrier; auto-detected if omitted.", ("ups", "fedex", "usps", "dhl", "royal_mail", "canada_post")),
    }, ["tracking_number"]),
    ("get_stock_quote", "Get the latest trading price of a listed stock.", {
        "symbol": S("Ticker symbol, e.g. 'AAPL'."),
        "exchange": S("Exchange name or MIC, e.g. 'NASDAQ', 'LSE'. Omit for the primary listing."),
    }, ["symbol"]),
    ("translate_text", "Translate text into another language.", {
        "text": S("The text to translate."),
        "target_language": S("Target language, ISO 639-1 code or English name, e.g. 'fr' or 'French'."),
        "source_language": S("Source language; auto-detected if omitted."),
    }, ["text", "target_language"]),
    ("get_directions", "Get a route and travel time between two places.", {
        "origin": S("Starting address or place name."),
        "destination": S("Destination address or place name."),
        "mode": E("Travel mode.", ("driving", "walking", "transit", "cycling"), default="driving"),
        "avoid_tolls": B("Avoid toll roads (driving only).", default=False),
    }, ["origin", "destination"]),
    ("search_restaurants", "Search restaurants near a location.", {
        "location": S("Neighbourhood, city or address."),
        "cuisine": S("Type of food, e.g. 'thai', 'vegan', 'tapas'."),
        "price_level": I("Maximum price level from 1 ($) to 4 ($$$$).", minimum=1, maximum=4),
        "open_now": B("Only return places open right now.", default=False),
    }, ["location"]),
    ("calculate_loan_payment", "Compute the fixed monthly payment of an amortising loan.", {
        "principal": N("Amount borrowed."),
        "annual_interest_rate": N("Nominal annual interest rate in percent, e.g. 6.5."),
        "term_months": I("Loan term in months.", minimum=1),
    }, ["principal", "annual_interest_rate", "term_months"]),
    ("convert_timezone", "Convert a clock time from one time zone to another.", {
        "time": S("Time as HH:MM (24-hour), optionally preceded by a date: YYYY-MM-DD HH:MM."),
        "from_timezone": S("IANA time zone name of the given time, e.g. 'Europe/Paris'."),
        "to_timezone": S("IANA time zone name to convert to."),
    }, ["time", "from_timezone", "to_timezone"]),
    ("calculate_tip", "Calculate the tip and the total per person for a restaurant bill.", {
        "bill_amount": N("Bill total before tip."),
        "tip_percentage": N("Tip in percent, e.g. 18."),
        "num_people": I("Number of people splitting the bill.", minimum=1, default=1),
    }, ["bill_amount", "tip_percentage"]),
    ("get_news_headlines", "Get the latest news headlines, optionally filtered by topic and country.", {
        "topic": S("Topic or keyword, e.g. 'technology'."),
        "country": S("ISO 3166-1 alpha-2 country code, e.g. 'DE'."),
        "max_results": I("Number of headlines to return.", minimum=1, maximum=20, default=5),
    }, []),
    ("reserve_meeting_room", "Reserve a meeting room in one of the company's buildings.", {
        "building": S("Building or office name."),
        "date": S(DATE),
        "start_time": S("Start time, HH:MM 24-hour."),
        "end_time": S("End time, HH:MM 24-hour."),
        "attendees": I("Number of people the room must hold.", minimum=1),
    }, ["building", "date", "start_time", "end_time", "attendees"]),
    ("get_public_holidays", "List the public holidays of a country for a year.", {
        "country_code": S("ISO 3166-1 alpha-2 country code, e.g. 'FR'."),
        "year": I("Calendar year."),
    }, ["country_code", "year"]),
    ("get_employee_info", "Look up a field of a colleague's record in the company directory.", {
        "employee_name": S("Full name of the employee."),
        "field": E("Which field to return.", ("email", "phone", "department", "manager", "office_location",
                                               "start_date")),
    }, ["employee_name", "field"]),
]

TOOLS = {}
for _name, _desc, _props, _req in TOOL_LIST:
    TOOLS[_name] = {"name": _name, "description": _desc,
                    "parameters": {"type": "object", "properties": _props, "required": _req}}

# Tools a model could plausibly confuse with each other ("multiple" cases include at least one of these).
SIBLINGS = {
    "get_current_weather": ["get_weather_forecast"],
    "get_weather_forecast": ["get_current_weather"],
    "convert_currency": ["convert_units", "get_stock_quote", "calculate_loan_payment"],
    "convert_units": ["convert_currency", "convert_timezone"],
    "search_flights": ["get_flight_status", "search_hotels"],
    "get_flight_status": ["search_flights", "track_package"],
    "search_hotels": ["search_flights", "search_restaurants"],
    "create_calendar_event": ["set_reminder", "list_calendar_events", "reserve_meeting_room"],
    "list_calendar_events": ["create_calendar_event", "get_public_holidays"],
    "set_reminder": ["create_calendar_event", "send_email"],
    "send_email": ["create_ticket", "translate_text"],
    "create_ticket": ["send_email", "set_reminder"],
    "lookup_customer": ["get_employee_info", "update_deal_stage", "create_invoice"],
    "update_deal_stage": ["lookup_customer", "create_invoice"],
    "create_invoice": ["lookup_customer", "send_email", "update_deal_stage"],
    "get_order_status": ["track_package", "lookup_customer"],
    "track_package": ["get_order_status", "get_flight_status"],
    "get_stock_quote": ["get_news_headlines", "convert_currency"],
    "translate_text": ["send_email"],
    "get_directions": ["search_restaurants", "search_flights"],
    "search_restaurants": ["get_directions", "search_hotels"],
    "calculate_loan_payment": ["calculate_tip", "convert_currency"],
    "convert_timezone": ["create_calendar_event", "convert_units"],
    "calculate_tip": ["calculate_loan_payment", "convert_currency"],
    "get_news_headlines": ["get_stock_quote"],
    "reserve_meeting_room": ["create_calendar_event", "list_calendar_events"],
    "get_public_holidays": ["list_calendar_events"],
    "get_employee_info": ["lookup_customer"],
}
assert set(SIBLINGS) == set(TOOLS), set(TOOLS) ^ set(SIBLINGS)

# --------------------------------------------------------------------------------------------------------------
# Value helpers: each returns the list of acceptable values for one argument
# --------------------------------------------------------------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def D(iso):
    """A date: ISO plus the two unambiguous spelled-out forms most models produce."""
    y, m, d = (int(x) for x in iso.split("-"))
    return [iso, f"{m:02d}/{d:02d}/{y}", f"{MONTHS[m - 1]} {d}, {y}"]


def DT(iso_date, hhmm):
    """A local date-time."""
    return [f"{iso_date}T{hhmm}", f"{iso_date}T{hhmm}:00", f"{iso_date} {hhmm}", f"{iso_date} {hhmm}:00"]


def T(hhmm):
    return [hhmm, f"{hhmm}:00"]


PLACE = {
    "Lisbon": ["Portugal"], "Seattle": ["WA", "Washington"], "Winnipeg": ["MB", "Manitoba", "Canada"],
    "Cape Town": ["South Africa"], "Osaka": ["Japan"], "Austin": ["TX", "Texas"], "Reykjavik": ["Iceland"],
    "Nairobi": ["Kenya"], "Wellington": ["New Zealand"], "Edinburgh": ["Scotland", "UK"],
    "Denver": ["CO", "Colorado"], "Chamonix": ["France"], "Mumbai": ["India"], "Vancouver": ["BC", "Canada"],
    "Buenos Aires": ["Argentina"], "Hanoi": ["Vietnam"], "Melbourne": ["Australia"], "Chicago": ["IL", "Illinois"],
    "Oslo": ["Norway"], "Bergen": ["Norway"], "Tokyo": ["Japan"], "Seoul": ["South Korea"], "Taipei": ["Taiwan"],
    "Madrid": ["Spain"], "Rome": ["Italy"], "Boston": ["MA", "Massachusetts"], "Frankfurt": ["Germany"],
    "Cusco": ["Peru"], "Lima": ["Peru"], "Cairo": ["Egypt"], "Dubai": ["UAE", "United Arab Emirates"],
    "Kyoto": ["Japan"], "Barcelona": ["Spain"], "Nashville": ["TN", "Tennessee"], "Vienna": ["Austria"],
    "Dublin": ["Ireland"], "Napa": ["CA", "California"], "Leicester": ["UK", "England"],
    "Manchester": ["UK", "England"], "Tromsø": ["Norway"], "Porto": ["Portugal"], "Phoenix": ["AZ", "Arizona"],
}


def C(name):
    return [name] + [f"{name}, {r}" for r in PLACE[name]]


AIRPORT = {
    "Boston": ["BOS", "Boston"], "Dublin": ["DUB", "Dublin"], "San Francisco": ["SFO", "San Francisco"],
    "Tokyo": ["TYO", "NRT", "HND", "Tokyo"], "JFK": ["JFK"], "LAX": ["LAX"], "Madrid": ["MAD", "Madrid"],
    "Athens": ["ATH", "Athens"], "Toronto": ["YTO", "YYZ", "Toronto"], "Vancouver": ["YVR", "Vancouver"],
    "Manchester": ["MAN", "Manchester"], "Palma": ["PMI", "Palma", "Palma de Mallorca"],
    "Singapore": ["SIN", "Singapore"], "Sydney": ["SYD", "Sydney"], "ORD": ["ORD", "Chicago O'Hare"],
    "Mexico City": ["MEX", "Mexico City"], "Berlin": ["BER", "Berlin"], "Stockholm": ["STO", "ARN", "Stockholm"],
    "London": ["LON", "LHR", "London"], "New York": ["NYC", "JFK", "New York"], "Lisbon": ["LIS", "Lisbon"],
    "Nairobi": ["NBO", "Nairobi"], "Denver": ["DEN", "Denver"], "Seattle": ["SEA", "Seattle"],
}


def AP(name):
    return list(AIRPORT[name])


def FN(code, number):
    return [f"{code}{number}", f"{code} {number}"]


UNITS = {
    "km": ["km", "kilometer", "kilometers", "kilometre", "kilometres"],
    "mi": ["mi", "mile", "miles"],
    "F": ["fahrenheit", "Fahrenheit", "F", "°F", "degF"],
    "C": ["celsius", "Celsius", "C", "°C", "degC"],
    "in": ["in", "inch", "inches"],
    "cm": ["cm", "centimeter", "centimeters", "centimetre", "centimetres"],
    "kg": ["kg", "kilogram", "kilograms"],
    "lb": ["lb", "lbs", "pound", "pounds"],
    "gal": ["gal", "gallon", "gallons", "US gallon", "US gallons", "gal_us"],
    "L": ["L", "l", "liter", "liters", "litre", "litres"],
    "m2": ["m2", "m²", "sq m", "square meter", "square meters", "square metre", "square metres"],
    "ft2": ["ft2", "ft²", "sq ft", "square foot", "square feet"],
    "oz": ["oz", "ounce", "ounces"],
    "g": ["g", "gram", "grams"],
    "km/h": ["km/h", "kph", "kmh", "kilometers per hour", "kilometres per hour"],
    "mph": ["mph", "mi/h", "miles per hour"],
    "ha": ["ha", "hectare", "hectares"],
    "acre": ["acre", "acres", "ac"],
    "m": ["m", "meter", "meters", "metre", "metres"],
    "ft": ["ft", "foot", "feet"],
    "ml": ["ml", "mL", "milliliter", "milliliters", "millilitre", "millilitres"],
    "cup": ["cup", "cups", "US cup", "US cups"],
    "nmi": ["nmi", "nautical mile", "nautical miles", "NM"],
    "st": ["st", "stone", "stones"],
}


def U(u):
    return list(UNITS[u])


TZ = {
    "New York": "America/New_York", "Tokyo": "Asia/Tokyo", "London": "Europe/London", "Sydney": "Australia/Sydney",
    "Los Angeles": "America/Los_Angeles", "Berlin": "Europe/Berlin", "Singapore": "Asia/Singapore",
    "India": "Asia/Kolkata", "Paris": "Europe/Paris", "Chicago": "America/Chicago", "São Paulo": "America/Sao_Paulo",
    "Dubai": "Asia/Dubai", "Toronto": "America/Toronto", "Auckland": "Pacific/Auckland",
    "Honolulu": "Pacific/Honolulu", "Mumbai": "Asia/Kolkata", "Nairobi": "Africa/Nairobi",
    "Mexico City": "America/Mexico_City",
}


def TZN(city):
    return [TZ[city]]


UTC = ["UTC", "Etc/UTC"]


def LANG(code, name):
    return [code, name, name.lower()]


def TXT(*variants):
    """Free text the user dictated; the listed variants (case/punctuation) are all accepted."""
    out = []
    for v in variants:
        for w in (v, v.rstrip(".!"), v[:1].upper() + v[1:], v[:1].lower() + v[1:]):
            if w not in out:
                out.append(w)
    return out


class Opt:
    """The user stated a value equal to the parameter's default: passing it or omitting it are both right."""

    def __init__(self, value):
        self.value = value


# --------------------------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------------------------

CASES = []  # (kind, request, [(tool, args)], extra)


def call(tool, **args):
    return (tool, args)


def single(tool, request, **args):
    CASES.append(("single", request, [call(tool, **args)], {}))


def parallel(request, *calls):
    CASES.append(("parallel", request, list(calls), {}))


def irrelevant(request, near=()):
    CASES.append(("irrelevance", request, [], {"near": list(near)}))


# --- get_current_weather
single("get_current_weather", "What's the weather like in Lisbon right now?", location=C("Lisbon"))
single("get_current_weather", "Is it raining in Seattle at the moment? Give me the temperature in Fahrenheit too.",
       location=C("Seattle"), unit="fahrenheit")
single("get_current_weather", "how cold is it in winnipeg rn", location=C("Winnipeg"))
single("get_current_weather", "I'm about to go for a run in Cape Town. What are the conditions there right now, in "
       "Celsius please?", location=C("Cape Town"), unit=Opt("celsius"))
single("get_current_weather", "Current temperature in Osaka, Japan?", location=C("Osaka"))
single("get_current_weather", "Can you check the weather right now in Austin, TX? My flight lands in an hour and I "
       "want to know if I need a jacket.", location=C("Austin"))
single("get_current_weather", "What's it like outside in Reykjavik currently? I'd like degrees F.",
       location=C("Reykjavik"), unit="fahrenheit")
single("get_current_weather", "Check current conditions for Nairobi.", location=C("Nairobi"))
single("get_current_weather", "Is it windy in Wellington right now? Thinking of taking the ferry.",
       location=C("Wellington"))

# --- get_weather_forecast
single("get_weather_forecast", "Give me the 5-day forecast for Edinburgh.", location=C("Edinburgh"), days=5)
single("get_weather_forecast", "What's the weather going to be in Denver over the next week? Fahrenheit please.",
       location=C("Denver"), days=7, unit="fahrenheit")
single("get_weather_forecast", "I'm hiking near Chamonix this weekend. Can you pull a 3-day forecast for Chamonix, "
       "France?", location=C("Chamonix"), days=3)
single("get_weather_forecast", "Forecast for Mumbai for the next 10 days", location=C("Mumbai"), days=10)
single("get_weather_forecast", "Will it rain in Vancouver in the next two days?", location=C("Vancouver"), days=2)
single("get_weather_forecast", "Show me the two-week outlook for Buenos Aires.", location=C("Buenos Aires"), days=14)
single("get_weather_forecast", "need a 4 day forecast for hanoi in celsius", location=C("Hanoi"), days=4,
       unit=Opt("celsius"))
single("get_weather_forecast", "Planning a barbecue. What do the next 6 days look like in Melbourne, Australia?",
       location=C("Melbourne"), days=6)
single("get_weather_forecast", "What's the forecast for Chicago for the next 3 days? We're driving up on Thursday.",
       location=C("Chicago"), days=3)

# --- convert_currency
single("convert_currency", "How much is 250 euros in US dollars?", amount=250, from_currency="EUR",
       to_currency="USD")
single("convert_currency", "Convert 1,200 GBP to JPY.", amount=1200, from_currency="GBP", to_currency="JPY")
single("convert_currency", "I have 75.50 Canadian dollars left over from my trip. What's that in Mexican pesos?",
       amount=75.5, from_currency="CAD", to_currency="MXN")
single("convert_currency", "What were 10,000 Swiss francs worth in euros on 2026-06-30?", amount=10000,
       from_currency="CHF", to_currency="EUR", date=D("2026-06-30"))
single("convert_currency", "convert 4500 INR to AUD", amount=4500, from_currency="INR", to_currency="AUD")
single("convert_currency", "My rent is 18,500 Czech koruna. How much is that in euros?", amount=18500,
       from_currency="CZK", to_currency="EUR")
single("convert_currency", "How many Korean won would I get for 300 US dollars?", amount=300, from_currency="USD",
       to_currency="KRW")
single("convert_currency", "What would 999 Brazilian reais have been in US dollars on January 15, 2026?", amount=999,
       from_currency="BRL", to_currency="USD", date=D("2026-01-15"))
single("convert_currency", "Quick one: 60 SGD in HKD?", amount=60, from_currency="SGD", to_currency="HKD")

# --- convert_units
single("convert_units", "How many miles is 42.195 kilometres?", value=42.195, from_unit=U("km"), to_unit=U("mi"))
single("convert_units", "Convert 350 degrees Fahrenheit to Celsius for my oven.", value=350, from_unit=U("F"),
       to_unit=U("C"))
single("convert_units", "What's 71 inches in centimeters?", value=71, from_unit=U("in"), to_unit=U("cm"))
single("convert_units", "I weigh 82 kg, what is that in pounds?", value=82, from_unit=U("kg"), to_unit=U("lb"))
single("convert_units", "Convert 2.5 US gallons to liters.", value=2.5, from_unit=U("gal"), to_unit=U("L"))
single("convert_units", "How many square feet are 120 square meters? Comparing apartment listings.", value=120,
       from_unit=U("m2"), to_unit=U("ft2"))
single("convert_units", "A recipe calls for 16 ounces of flour. How many grams is that?", value=16,
       from_unit=U("oz"), to_unit=U("g"))
single("convert_units", "convert 100 km/h to mph", value=100, from_unit=U("km/h"), to_unit=U("mph"))
single("convert_units", "How many acres is 3 hectares?", value=3, from_unit=U("ha"), to_unit=U("acre"))

# --- search_flights
single("search_flights", "Find me flights from Boston to Dublin on 2027-03-12.", origin=AP("Boston"),
       destination=AP("Dublin"), departure_date=D("2027-03-12"))
single("search_flights", "I need a round trip from San Francisco to Tokyo, leaving February 3, 2027 and coming back "
       "February 17, 2027, for two people in business class.", origin=AP("San Francisco"), destination=AP("Tokyo"),
       departure_date=D("2027-02-03"), return_date=D("2027-02-17"), passengers=2, cabin_class="business")
single("search_flights", "Search one-way flights JFK to LAX on December 20, 2026, 3 passengers.", origin=AP("JFK"),
       destination=AP("LAX"), departure_date=D("2026-12-20"), passengers=3)
single("search_flights", "Any flights from Madrid to Athens on 14 April 2027 in premium economy?",
       origin=AP("Madrid"), destination=AP("Athens"), departure_date=D("2027-04-14"), cabin_class="premium_economy")
single("search_flights", "Look up flights from Toronto to Vancouver departing 2027-01-08, returning 2027-01-11.",
       origin=AP("Toronto"), destination=AP("Vancouver"), departure_date=D("2027-01-08"),
       return_date=D("2027-01-11"))
single("search_flights", "We're 4 adults flying from Manchester to Palma on 2027-07-24 and back on 2027-07-31. "
       "What's available?", origin=AP("Manchester"), destination=AP("Palma"), departure_date=D("2027-07-24"),
       return_date=D("2027-07-31"), passengers=4)
single("search_flights", "Flights from Singapore to Sydney on 5 March 2027, first class, just me.",
       origin=AP("Singapore"), destination=AP("Sydney"), departure_date=D("2027-03-05"), passengers=Opt(1),
       cabin_class="first")
single("search_flights", "Show me options from Chicago O'Hare (ORD) to Mexico City for 2027-02-19.",
       origin=AP("ORD"), destination=AP("Mexico City"), departure_date=D("2027-02-19"))
single("search_flights", "Can you search for a flight Berlin -> Stockholm on 30 January 2027, economy?",
       origin=AP("Berlin"), destination=AP("Stockholm"), departure_date=D("2027-01-30"),
       cabin_class=Opt("economy"))

# --- get_flight_status
single("get_flight_status", "Is BA117 on time today?", flight_number=FN("BA", "117"))
single("get_flight_status", "What's the status of flight UA 882 on 2026-12-02?", flight_number=FN("UA", "882"),
       date=D("2026-12-02"))
single("get_flight_status", "Has Lufthansa LH 400 departed yet?", flight_number=FN("LH", "400"))
single("get_flight_status", "Check flight DL1543 for December 19, 2026.", flight_number=FN("DL", "1543"),
       date=D("2026-12-19"))
single("get_flight_status", "My mom is flying Emirates EK215 on 2026-12-24. Can you check whether it's delayed?",
       flight_number=FN("EK", "215"), date=D("2026-12-24"))
single("get_flight_status", "status of QF1 please", flight_number=FN("QF", "1"))
single("get_flight_status", "Is Air Canada AC 856 delayed?", flight_number=FN("AC", "856"))
single("get_flight_status", "Can you check Air France AF 1234 on 2 January 2027? I'm picking someone up.",
       flight_number=FN("AF", "1234"), date=D("2027-01-02"))

# --- search_hotels
single("search_hotels", "Find hotels in Kyoto from 2027-04-02 to 2027-04-06.", city=C("Kyoto"),
       check_in=D("2027-04-02"), check_out=D("2027-04-06"))
single("search_hotels", "I need a hotel in Barcelona for 2 guests, checking in June 10, 2027 and out June 14, 2027, "
       "under $200 a night.", city=C("Barcelona"), check_in=D("2027-06-10"), check_out=D("2027-06-14"), guests=2,
       max_price_per_night=200)
single("search_hotels", "Hotels in Reykjavik for 3 people, 2027-02-14 to 2027-02-16", city=C("Reykjavik"),
       check_in=D("2027-02-14"), check_out=D("2027-02-16"), guests=3)
single("search_hotels", "Looking for somewhere to stay in Chicago 2026-12-28 through 2027-01-02, max 150 dollars "
       "per night.", city=C("Chicago"), check_in=D("2026-12-28"), check_out=D("2027-01-02"),
       max_price_per_night=150)
single("search_hotels", "Any hotels in Lisbon from 9 to 12 May 2027 for a family of four?", city=C("Lisbon"),
       check_in=D("2027-05-09"), check_out=D("2027-05-12"), guests=4)
single("search_hotels", "Search hotels in Nashville, check-in 2027-03-05, check-out 2027-03-07, just one guest.",
       city=C("Nashville"), check_in=D("2027-03-05"), check_out=D("2027-03-07"), guests=Opt(1))
single("search_hotels", "Find me a place in Cape Town between 2027-01-20 and 2027-01-27, nothing over $120 per "
       "night.", city=C("Cape Town"), check_in=D("2027-01-20"), check_out=D("2027-01-27"), max_price_per_night=120)
single("search_hotels", "hotel in vienna 2027-09-01 to 2027-09-03 for two", city=C("Vienna"),
       check_in=D("2027-09-01"), check_out=D("2027-09-03"), guests=2)

# --- create_calendar_event
single("create_calendar_event", "Put 'Dentist appointment' on my calendar for 2026-12-03 at 9:30 AM, 45 minutes.",
       title=TXT("Dentist appointment"), start=DT("2026-12-03", "09:30"), duration_minutes=45)
single("create_calendar_event", "Schedule a meeting called 'Q1 roadmap review' on January 12, 2027 at 2pm for 90 "
       "minutes with priya@northwind.io and tom@northwind.io.", title=TXT("Q1 roadmap review"),
       start=DT("2027-01-12", "14:00"), duration_minutes=90,
       attendees=[["priya@northwind.io", "tom@northwind.io"], ["tom@northwind.io", "priya@northwind.io"]])
single("create_calendar_event", "Add an event 'Lunch with Marco' on 2026-12-11 at 12:30 at Café Lumen, one hour.",
       title=TXT("Lunch with Marco"), start=DT("2026-12-11", "12:30"), duration_minutes=Opt(60),
       location=["Café Lumen", "Cafe Lumen"])
single("create_calendar_event", "Create a 30-minute event titled 'Sprint demo' on 2027-01-07 at 16:00 and invite "
       "dev-team@acme.dev.", title=TXT("Sprint demo"), start=DT("2027-01-07", "16:00"), duration_minutes=30,
       attendees=[["dev-team@acme.dev"]])
single("create_calendar_event", "Block 2 hours on 2026-12-15 starting at 10:00 for 'Deep work: budget model'.",
       title=TXT("Deep work: budget model"), start=DT("2026-12-15", "10:00"), duration_minutes=120)
single("create_calendar_event", "Set up 'Interview - Senior Data Engineer' on Feb 2, 2027 at 11:00 in Room 4B with "
       "hr@lumacorp.com, 60 minutes.", title=TXT("Interview - Senior Data Engineer"),
       start=DT("2027-02-02", "11:00"), duration_minutes=Opt(60), attendees=[["hr@lumacorp.com"]],
       location=["Room 4B"])
single("create_calendar_event", "calendar: 'Yoga class' 2026-12-06 07:00 for 75 min at Studio Prana",
       title=TXT("Yoga class"), start=DT("2026-12-06", "07:00"), duration_minutes=75, location=["Studio Prana"])
single("create_calendar_event", "Please add 'Board prep call' for 2027-03-18 at 08:15 with cfo@brightline.co and "
       "legal@brightline.co.", title=TXT("Board prep call"), start=DT("2027-03-18", "08:15"),
       attendees=[["cfo@brightline.co", "legal@brightline.co"], ["legal@brightline.co", "cfo@brightline.co"]])
single("create_calendar_event", "Make a calendar event 'Parent-teacher conference' on 2026-12-09 at 17:40, 20 "
       "minutes, at Lincoln Elementary.", title=TXT("Parent-teacher conference"), start=DT("2026-12-09", "17:40"),
       duration_minutes=20, location=["Lincoln Elementary"])

# --- list_calendar_events
single("list_calendar_events", "What's on my calendar on 2026-12-04?", start_date=D("2026-12-04"),
       end_date=D("2026-12-04") + [""])
single("list_calendar_events", "Show me everything I have between December 14 and December 18, 2026.",
       start_date=D("2026-12-14"), end_date=D("2026-12-18"))
single("list_calendar_events", "Do I have anything scheduled on 1 January 2027?", start_date=D("2027-01-01"),
       end_date=D("2027-01-01") + [""])
single("list_calendar_events", "List my events for the week of 2027-01-11 to 2027-01-15.",
       start_date=D("2027-01-11"), end_date=D("2027-01-15"))
single("list_calendar_events", "What meetings do I have on Friday, February 5, 2027?", start_date=D("2027-02-05"),
       end_date=D("2027-02-05") + [""])
single("list_calendar_events", "Pull up my agenda for 2026-12-21.", start_date=D("2026-12-21"),
       end_date=D("2026-12-21") + [""])
single("list_calendar_events", "Am I free at all between 2027-03-01 and 2027-03-03?", start_date=D("2027-03-01"),
       end_date=D("2027-03-03"))
single("list_calendar_events", "what's on my schedule for april 30 2027", start_date=D("2027-04-30"),
       end_date=D("2027-04-30") + [""])

# --- set_reminder
single("set_reminder", "Remind me to call the pharmacy at 4:30 PM on 2026-12-02.",
       message=TXT("call the pharmacy", "Call pharmacy"), remind_at=DT("2026-12-02", "16:30"))
single("set_reminder", "Set a reminder for 2026-12-10 at 08:00: 'Submit expense report'.",
       message=TXT("Submit expense report"), remind_at=DT("2026-12-10", "08:00"))
single("set_reminder", "Remind me on January 3, 2027 at 9am to renew my passport.",
       message=TXT("renew my passport", "Renew passport"), remind_at=DT("2027-01-03", "09:00"))
single("set_reminder", "Can you remind me to water the plants at 19:00 on 2026-11-28?",
       message=TXT("water the plants", "Water plants"), remind_at=DT("2026-11-28", "19:00"))
single("set_reminder", "Reminder: 'Pay the electricity bill' on 2026-12-14 at noon.",
       message=TXT("Pay the electricity bill"), remind_at=DT("2026-12-14", "12:00"))
single("set_reminder", "Ping me at 7:15 on 2027-02-01 to 'take the car in for its MOT'.",
       message=TXT("take the car in for its MOT", "Take the car in for MOT"), remind_at=DT("2027-02-01", "07:15"))
single("set_reminder", "Remind me 'Book the vet for Luna' on 2026-12-05 at 10:30.",
       message=TXT("Book the vet for Luna"), remind_at=DT("2026-12-05", "10:30"))
single("set_reminder", "Set a reminder for 2027-01-20 18:45 - 'Leave for the airport'.",
       message=TXT("Leave for the airport"), remind_at=DT("2027-01-20", "18:45"))

# --- send_email
single("send_email", "Email jordan.lee@fabrikam.com with the subject 'Invoice 4471' and say 'Hi Jordan, invoice 4471 "
       "has been paid in full. Thanks!'", to=[["jordan.lee@fabrikam.com"]], subject=TXT("Invoice 4471"),
       body=["Hi Jordan, invoice 4471 has been paid in full. Thanks!"])
single("send_email", "Send an email to team@harborview.org, subject 'Office closed Friday', body 'The office will be "
       "closed on Friday, December 4 for maintenance.'", to=[["team@harborview.org"]],
       subject=TXT("Office closed Friday"),
       body=["The office will be closed on Friday, December 4 for maintenance."])
single("send_email", "Write to ana.souza@marlinenergy.com and cc my manager luis@ourco.com: subject 'Contract draft', "
       "message 'Please find the contract draft in the shared folder; comments by Monday would be great.'",
       to=[["ana.souza@marlinenergy.com"]], subject=TXT("Contract draft"),
       body=["Please find the contract draft in the shared folder; comments by Monday would be great."],
       cc=[["luis@ourco.com"]])
single("send_email", "Shoot an email to mike@bluepeak.io and sara@bluepeak.io titled 'Standup moved' saying "
       "'Tomorrow's standup is moved to 10:30.'",
       to=[["mike@bluepeak.io", "sara@bluepeak.io"], ["sara@bluepeak.io", "mike@bluepeak.io"]],
       subject=TXT("Standup moved"), body=["Tomorrow's standup is moved to 10:30."])
single("send_email", "Email landlord@greenacres-rentals.com: subject 'Leaking tap', body 'The kitchen tap has been "
       "leaking since Sunday. Could someone take a look this week?'", to=[["landlord@greenacres-rentals.com"]],
       subject=TXT("Leaking tap"),
       body=["The kitchen tap has been leaking since Sunday. Could someone take a look this week?"])
single("send_email", "send email to recruiting@oakridge.edu subject 'Application - Lab Technician' body 'Dear Hiring "
       "Team, I would like to confirm my interview slot on December 8 at 2 pm. Best regards, Nina Patel'",
       to=[["recruiting@oakridge.edu"]], subject=TXT("Application - Lab Technician"),
       body=["Dear Hiring Team, I would like to confirm my interview slot on December 8 at 2 pm. Best regards, "
             "Nina Patel"])
single("send_email", "Please email dr.chen@clinic-westside.com with subject 'Appointment follow-up' and the text "
       "'Thank you for today. I will send the blood test results once I have them.' CC jane.roe@mail.com.",
       to=[["dr.chen@clinic-westside.com"]], subject=TXT("Appointment follow-up"),
       body=["Thank you for today. I will send the blood test results once I have them."],
       cc=[["jane.roe@mail.com"]])
single("send_email", "Send 'Happy birthday, Grandpa! See you on Sunday.' to walter.k@familymail.net with the subject "
       "'Happy birthday!'", to=[["walter.k@familymail.net"]], subject=TXT("Happy birthday!"),
       body=["Happy birthday, Grandpa! See you on Sunday."])

# --- create_ticket
single("create_ticket", "Open an urgent ticket for the payments component: title 'Checkout returns 502', "
       "description 'Since 09:10 UTC all card payments at checkout fail with HTTP 502.'",
       title=TXT("Checkout returns 502"),
       description=["Since 09:10 UTC all card payments at checkout fail with HTTP 502."], priority="urgent",
       component=["payments"])
single("create_ticket", "File a low-priority ticket titled 'Typo on pricing page'. Description: 'The Enterprise tier "
       "says anual instead of annual.'", title=TXT("Typo on pricing page"),
       description=["The Enterprise tier says anual instead of annual."], priority="low")
single("create_ticket", "Create a ticket 'VPN drops every 20 minutes' with description 'Remote staff in the Leeds "
       "office lose the VPN connection roughly every 20 minutes since the last client update.' Priority high, "
       "component networking.", title=TXT("VPN drops every 20 minutes"),
       description=["Remote staff in the Leeds office lose the VPN connection roughly every 20 minutes since the "
                    "last client update."], priority="high", component=["networking"])
single("create_ticket", "Please log a ticket: 'Password reset email not arriving'. Details: 'Users with outlook.com "
       "addresses do not receive the reset email.' Mark it medium.",
       title=TXT("Password reset email not arriving"),
       description=["Users with outlook.com addresses do not receive the reset email."], priority=Opt("medium"))
single("create_ticket", "New ticket for the mobile-app component: 'App crashes on Android 14 when opening "
       "Settings', description 'Reproducible on Pixel 8 with app version 5.2.1.'",
       title=TXT("App crashes on Android 14 when opening Settings"),
       description=["Reproducible on Pixel 8 with app version 5.2.1."], component=["mobile-app"])
single("create_ticket", "raise a high priority ticket 'Nightly backup failed' desc 'The 02:00 backup job for "
       "db-prod-3 exited with code 137.'", title=TXT("Nightly backup failed"),
       description=["The 02:00 backup job for db-prod-3 exited with code 137."], priority="high")
single("create_ticket", "Create ticket titled 'Request: add SSO for Zendesk', description 'Marketing team requests "
       "Okta SSO for Zendesk.', priority low, component identity", title=TXT("Request: add SSO for Zendesk"),
       description=["Marketing team requests Okta SSO for Zendesk."], priority="low", component=["identity"])
single("create_ticket", "Log an urgent ticket about the warehouse scanner outage. Title 'Scanners offline in "
       "Warehouse B', description 'All 14 handheld scanners in Warehouse B cannot reach the inventory server.'",
       title=TXT("Scanners offline in Warehouse B"),
       description=["All 14 handheld scanners in Warehouse B cannot reach the inventory server."],
       priority="urgent")

# --- lookup_customer
single("lookup_customer", "Look up the customer with email olivia.martin@brightsmile.dental.",
       query=["olivia.martin@brightsmile.dental"], search_by="email")
single("lookup_customer", "Pull up customer ID C-204817 in the CRM.", query=["C-204817"], search_by="customer_id")
single("lookup_customer", "Who's the customer on file with phone number +1 415 555 0134?",
       query=["+1 415 555 0134", "+14155550134", "+1-415-555-0134", "4155550134"], search_by="phone")
single("lookup_customer", "Find the account for Halcyon Robotics.", query=["Halcyon Robotics"],
       search_by="company_name")
single("lookup_customer", "Can you find the CRM record for customer 88-3391?", query=["88-3391"],
       search_by="customer_id")
single("lookup_customer", "Search the CRM by company: Vega & Sons Plumbing.", query=["Vega & Sons Plumbing"],
       search_by="company_name")
single("lookup_customer", "look up whoever has the email j.okafor@lagosfreight.ng", query=["j.okafor@lagosfreight.ng"],
       search_by="email")
single("lookup_customer", "Find the customer with phone 020 7946 0958.",
       query=["020 7946 0958", "02079460958", "+44 20 7946 0958", "+442079460958"], search_by="phone")

# --- update_deal_stage
single("update_deal_stage", "Move deal D-1042 to negotiation.", deal_id=["D-1042"], stage="negotiation")
single("update_deal_stage", "Mark deal D-7781 as closed won at $48,000.", deal_id=["D-7781"], stage="closed_won",
       amount=48000)
single("update_deal_stage", "Deal D-2290 is lost, update it please.", deal_id=["D-2290"], stage="closed_lost")
single("update_deal_stage", "Update deal D-0553 to the proposal stage with an expected close date of 2027-01-31.",
       deal_id=["D-0553"], stage="proposal", expected_close_date=D("2027-01-31"))
single("update_deal_stage", "Set the stage of deal OPP-3317 to qualification and change the amount to 12,500.",
       deal_id=["OPP-3317"], stage="qualification", amount=12500)
single("update_deal_stage", "We just won deal D-4410, final value 132,000. Close it out.", deal_id=["D-4410"],
       stage="closed_won", amount=132000)
single("update_deal_stage", "Move opportunity D-0919 back to prospecting.", deal_id=["D-0919"], stage="prospecting")
single("update_deal_stage", "Deal D-6120: negotiation, expected to close March 15, 2027, amount 27,750.",
       deal_id=["D-6120"], stage="negotiation", amount=27750, expected_close_date=D("2027-03-15"))

# --- create_invoice
single("create_invoice", "Create an invoice for customer C-204817 for $1,250 due 2026-12-31.",
       customer_id=["C-204817"], amount=1250, currency=Opt("USD"), due_date=D("2026-12-31"))
single("create_invoice", "Invoice customer 88-3391 for €3,400, due January 15, 2027.", customer_id=["88-3391"],
       amount=3400, currency="EUR", due_date=D("2027-01-15"))
single("create_invoice", "Bill C-10077 for 560 GBP, due 2026-12-20, memo 'November consulting hours'.",
       customer_id=["C-10077"], amount=560, currency="GBP", due_date=D("2026-12-20"),
       memo=TXT("November consulting hours"))
single("create_invoice", "Please raise an invoice to customer C-55120: 18,000 USD, due 2027-02-28, memo 'Annual "
       "licence renewal'.", customer_id=["C-55120"], amount=18000, currency=Opt("USD"), due_date=D("2027-02-28"),
       memo=TXT("Annual licence renewal"))
single("create_invoice", "Create invoice: customer C-30912, amount 975.40, due 2026-12-15.",
       customer_id=["C-30912"], amount=975.4, due_date=D("2026-12-15"))
single("create_invoice", "Make an invoice for C-44002 of 2,000 Canadian dollars, payment due 2027-01-10.",
       customer_id=["C-44002"], amount=2000, currency="CAD", due_date=D("2027-01-10"))
single("create_invoice", "Invoice C-70315 for 120,000 yen due 2026-12-07 with the note 'Translation services, "
       "order 55'.", customer_id=["C-70315"], amount=120000, currency="JPY", due_date=D("2026-12-07"),
       memo=TXT("Translation services, order 55"))
single("create_invoice", "Issue customer C-81234 an invoice for $89.99, due Dec 30, 2026, memo 'Replacement "
       "charger'.", customer_id=["C-81234"], amount=89.99, currency=Opt("USD"), due_date=D("2026-12-30"),
       memo=TXT("Replacement charger"))

# --- get_order_status
single("get_order_status", "Where is my order 112-4567890-1234567?", order_id=["112-4567890-1234567"])
single("get_order_status", "What's the status of order #A58213?", order_id=["A58213", "#A58213"])
single("get_order_status", "Has order 99021 shipped yet?", order_id=["99021"])
single("get_order_status", "Check order ORD-2026-11-0087 for me.", order_id=["ORD-2026-11-0087"])
single("get_order_status", "status on order number 7734-XQ please", order_id=["7734-XQ"])
single("get_order_status", "Can you tell me whether order 5519034 has been delivered?", order_id=["5519034"])
single("get_order_status", "I placed order W-330918 last week. What's happening with it?", order_id=["W-330918"])
single("get_order_status", "Look up order 40-118-7762, the customer says it never arrived.", order_id=["40-118-7762"])

# --- track_package
single("track_package", "Track UPS package 1Z999AA10123456784.", tracking_number=["1Z999AA10123456784"],
       carrier="ups")
single("track_package", "Where's my parcel? Tracking number 9400 1000 0000 0000 0000 00, it's USPS.",
       tracking_number=["9400 1000 0000 0000 0000 00", "9400100000000000000000"], carrier="usps")
single("track_package", "Track 794612345678", tracking_number=["794612345678"], carrier=["", "fedex"])
single("track_package", "Can you check DHL shipment 1234567890?", tracking_number=["1234567890"], carrier="dhl")
single("track_package", "Royal Mail tracking: AB123456789GB", tracking_number=["AB123456789GB"], carrier="royal_mail")
single("track_package", "FedEx tracking 771234567890, when will it arrive?", tracking_number=["771234567890"],
       carrier="fedex")
single("track_package", "Track my package JD014600003828492", tracking_number=["JD014600003828492"],
       carrier=["", "dhl"])
single("track_package", "Canada Post package 7023210039414604, where is it now?",
       tracking_number=["7023210039414604"], carrier="canada_post")

# --- get_stock_quote
single("get_stock_quote", "What's Apple trading at?", symbol=["AAPL"])
single("get_stock_quote", "Get me a quote for MSFT.", symbol=["MSFT"])
single("get_stock_quote", "How's Tesla stock doing right now?", symbol=["TSLA"])
single("get_stock_quote", "Price of Shell (SHEL) on the London Stock Exchange?", symbol=["SHEL", "SHEL.L"],
       exchange=["LSE", "XLON", "London Stock Exchange"])
single("get_stock_quote", "Current price of NVDA on NASDAQ", symbol=["NVDA"], exchange=["NASDAQ", "XNAS", ""])
single("get_stock_quote", "quote for Toyota (7203) on the Tokyo Stock Exchange", symbol=["7203", "7203.T"],
       exchange=["TSE", "XTKS", "JPX", "Tokyo Stock Exchange"])
single("get_stock_quote", "What's the share price of Coca-Cola?", symbol=["KO"])
single("get_stock_quote", "Check the stock price for ASML on Euronext Amsterdam.", symbol=["ASML", "ASML.AS"],
       exchange=["Euronext Amsterdam", "XAMS", "AEX", "Euronext"])

# --- translate_text
single("translate_text", "Translate 'Where is the nearest train station?' into Spanish.",
       text=["Where is the nearest train station?"], target_language=LANG("es", "Spanish"),
       source_language=["", "en", "English", "english"])
single("translate_text", "How do you say 'Thank you for your patience' in Japanese?",
       text=["Thank you for your patience"], target_language=LANG("ja", "Japanese"),
       source_language=["", "en", "English", "english"])
single("translate_text", "Translate this German sentence to English: 'Die Besprechung wurde auf Donnerstag "
       "verschoben.'", text=["Die Besprechung wurde auf Donnerstag verschoben."],
       target_language=LANG("en", "English"), source_language=["", "de", "German", "german"])
single("translate_text", "Please put 'Our office will reopen on January 4.' into French.",
       text=["Our office will reopen on January 4."], target_language=LANG("fr", "French"),
       source_language=["", "en", "English", "english"])
single("translate_text", "Translate 'Mind the gap between the train and the platform' to Italian.",
       text=["Mind the gap between the train and the platform"], target_language=LANG("it", "Italian"),
       source_language=["", "en", "English", "english"])
single("translate_text", "What's 'Ich hätte gern ein Bier' in English?", text=["Ich hätte gern ein Bier"],
       target_language=LANG("en", "English"), source_language=["", "de", "German", "german"])
single("translate_text", "Translate to Portuguese: 'Your appointment has been confirmed for Tuesday at 3 pm.'",
       text=["Your appointment has been confirmed for Tuesday at 3 pm."], target_language=LANG("pt", "Portuguese"),
       source_language=["", "en", "English", "english"])
single("translate_text", "Can you translate 'Bon appétit' from French into Korean?", text=["Bon appétit"],
       target_language=LANG("ko", "Korean"), source_language=["", "fr", "French", "french"])

# --- get_directions
single("get_directions", "How do I get from Union Square to the Golden Gate Bridge by public transit? I'm in San "
       "Francisco.", origin=["Union Square", "Union Square, San Francisco", "Union Square, San Francisco, CA"],
       destination=["Golden Gate Bridge", "Golden Gate Bridge, San Francisco",
                    "Golden Gate Bridge, San Francisco, CA"], mode="transit")
single("get_directions", "Directions from Heathrow Airport to King's Cross by car, avoiding tolls.",
       origin=["Heathrow Airport", "Heathrow", "London Heathrow Airport", "LHR"],
       destination=["King's Cross", "King's Cross, London", "Kings Cross"], mode=Opt("driving"), avoid_tolls=True)
single("get_directions", "Walking directions from the Louvre to the Eiffel Tower.",
       origin=["Louvre", "the Louvre", "Louvre Museum", "Louvre, Paris", "Louvre Museum, Paris"],
       destination=["Eiffel Tower", "the Eiffel Tower", "Eiffel Tower, Paris"], mode="walking")
single("get_directions", "Give me a cycling route from Brooklyn Bridge Park to Prospect Park.",
       origin=["Brooklyn Bridge Park", "Brooklyn Bridge Park, Brooklyn", "Brooklyn Bridge Park, Brooklyn, NY"],
       destination=["Prospect Park", "Prospect Park, Brooklyn", "Prospect Park, Brooklyn, NY"], mode="cycling")
single("get_directions", "What's the best driving route from Denver to Boulder?", origin=C("Denver"),
       destination=["Boulder", "Boulder, CO", "Boulder, Colorado"], mode=Opt("driving"))
single("get_directions", "How do I get from Schiphol Airport to Amsterdam Centraal by train?",
       origin=["Schiphol Airport", "Schiphol", "Amsterdam Airport Schiphol", "AMS"],
       destination=["Amsterdam Centraal", "Amsterdam Central Station", "Amsterdam Centraal Station"],
       mode="transit")
single("get_directions", "Route from 221B Baker Street, London to the British Museum, on foot.",
       origin=["221B Baker Street, London", "221B Baker Street"],
       destination=["British Museum", "the British Museum", "British Museum, London"], mode="walking")
single("get_directions", "Directions from Sacramento to Lake Tahoe avoiding toll roads.",
       origin=["Sacramento", "Sacramento, CA", "Sacramento, California"],
       destination=["Lake Tahoe", "Lake Tahoe, CA", "Lake Tahoe, California"], avoid_tolls=True)

# --- search_restaurants
single("search_restaurants", "Find Thai restaurants near Shoreditch, London that are open now.",
       location=["Shoreditch, London", "Shoreditch"], cuisine=TXT("thai"), open_now=True)
single("search_restaurants", "Any inexpensive ($) vegan places in Portland, Oregon?",
       location=["Portland, Oregon", "Portland, OR", "Portland"], cuisine=TXT("vegan"), price_level=1)
single("search_restaurants", "Show me sushi restaurants in downtown Seattle.",
       location=["downtown Seattle", "Downtown Seattle", "Seattle", "Seattle, WA", "Downtown Seattle, WA"],
       cuisine=TXT("sushi", "japanese"))
single("search_restaurants", "Where can I get Ethiopian food in Washington, DC?",
       location=["Washington, DC", "Washington DC", "Washington, D.C."], cuisine=TXT("ethiopian"))
single("search_restaurants", "restaurants open right now in Kreuzberg, Berlin",
       location=["Kreuzberg, Berlin", "Kreuzberg"], open_now=True)
single("search_restaurants", "I'd like an Italian place in the Melbourne CBD, price level 2 at most.",
       location=["Melbourne CBD", "Melbourne", "Melbourne CBD, Australia", "Melbourne, Australia"],
       cuisine=TXT("italian"), price_level=2)
single("search_restaurants", "Find tapas bars in Seville that are open now, nothing above $$$.",
       location=["Seville", "Seville, Spain", "Sevilla"], cuisine=TXT("tapas"), price_level=3, open_now=True)
single("search_restaurants", "Search for Mexican restaurants in Austin, TX.", location=C("Austin"),
       cuisine=TXT("mexican"))

# --- calculate_loan_payment
single("calculate_loan_payment", "What's the monthly payment on a $350,000 mortgage at 6.25% for 30 years?",
       principal=350000, annual_interest_rate=6.25, term_months=360)
single("calculate_loan_payment", "If I borrow 25,000 at 7.9% APR over 5 years, how much do I pay per month?",
       principal=25000, annual_interest_rate=7.9, term_months=60)
single("calculate_loan_payment", "Calculate payments for a 15-year loan of 420,000 at 5.5%.", principal=420000,
       annual_interest_rate=5.5, term_months=180)
single("calculate_loan_payment", "Car loan: 32,500, 4.9% interest, 72 months. Monthly payment?", principal=32500,
       annual_interest_rate=4.9, term_months=72)
single("calculate_loan_payment", "monthly cost of a 10k personal loan at 11.5% over 36 months", principal=10000,
       annual_interest_rate=11.5, term_months=36)
single("calculate_loan_payment", "I'm looking at a 200,000 euro loan at 3.8% for 20 years. What's the monthly "
       "instalment?", principal=200000, annual_interest_rate=3.8, term_months=240)
single("calculate_loan_payment", "Student loan of 48,000 at 5.05% repaid over 10 years: monthly payment?",
       principal=48000, annual_interest_rate=5.05, term_months=120)
single("calculate_loan_payment", "What would I pay each month on 7,500 at 0% for 24 months?", principal=7500,
       annual_interest_rate=0, term_months=24)

# --- convert_timezone
single("convert_timezone", "What time is 15:00 New York time in Tokyo?", time=T("15:00"),
       from_timezone=TZN("New York"), to_timezone=TZN("Tokyo"))
single("convert_timezone", "If it's 9:30 in London, what time is it in Sydney?", time=T("09:30") + ["9:30"],
       from_timezone=TZN("London"), to_timezone=TZN("Sydney"))
single("convert_timezone", "Convert 2027-03-10 18:00 from Los Angeles time to Berlin time.",
       time=["2027-03-10 18:00", "2027-03-10T18:00", "2027-03-10 18:00:00"], from_timezone=TZN("Los Angeles"),
       to_timezone=TZN("Berlin"))
single("convert_timezone", "Our call is at 11:00 Singapore time. What's that in India?", time=T("11:00"),
       from_timezone=TZN("Singapore"), to_timezone=TZN("India"))
single("convert_timezone", "What is 07:45 Paris time in Chicago?", time=T("07:45"), from_timezone=TZN("Paris"),
       to_timezone=TZN("Chicago"))
single("convert_timezone", "convert 22:00 UTC to São Paulo time", time=T("22:00"), from_timezone=UTC,
       to_timezone=TZN("São Paulo"))
single("convert_timezone", "When it's 13:15 in Dubai, what time is it in Toronto?", time=T("13:15"),
       from_timezone=TZN("Dubai"), to_timezone=TZN("Toronto"))
single("convert_timezone", "Convert 2026-12-31 23:30 Auckland time to Honolulu time.",
       time=["2026-12-31 23:30", "2026-12-31T23:30", "2026-12-31 23:30:00"], from_timezone=TZN("Auckland"),
       to_timezone=TZN("Honolulu"))

# --- calculate_tip
single("calculate_tip", "What's a 20% tip on an $84.50 bill?", bill_amount=84.5, tip_percentage=20)
single("calculate_tip", "There are 4 of us, the bill is 212 dollars and we want to leave 18%. How much each?",
       bill_amount=212, tip_percentage=18, num_people=4)
single("calculate_tip", "tip 15 percent on 46.80", bill_amount=46.8, tip_percentage=15)
single("calculate_tip", "Split a 150 bill three ways with a 22% tip.", bill_amount=150, tip_percentage=22,
       num_people=3)
single("calculate_tip", "How much is a 12.5% tip on €63?", bill_amount=63, tip_percentage=12.5)
single("calculate_tip", "Our dinner came to 318.40; add 20% and split it between the 6 of us.", bill_amount=318.4,
       tip_percentage=20, num_people=6)
single("calculate_tip", "Calculate an 18% tip for a $27 haircut.", bill_amount=27, tip_percentage=18)
single("calculate_tip", "Bill is 95, tip 10%, just me.", bill_amount=95, tip_percentage=10, num_people=Opt(1))

# --- get_news_headlines
single("get_news_headlines", "What are today's top headlines in Germany?", country=["DE"])
single("get_news_headlines", "Show me the latest 10 headlines about renewable energy.",
       topic=TXT("renewable energy"), max_results=10)
single("get_news_headlines", "Any news on the semiconductor industry?",
       topic=TXT("semiconductor industry", "semiconductors", "semiconductor"))
single("get_news_headlines", "Top 3 tech headlines in Japan", topic=TXT("tech", "technology"), country=["JP"],
       max_results=3)
single("get_news_headlines", "Give me the latest headlines.")
single("get_news_headlines", "What's happening in UK politics? 5 headlines.", topic=TXT("politics"),
       country=["GB", "UK"], max_results=Opt(5))
single("get_news_headlines", "Latest sports news from Australia", topic=TXT("sports", "sport"), country=["AU"])
single("get_news_headlines", "headlines about the housing market in Canada, 8 of them",
       topic=TXT("housing market", "housing"), country=["CA"], max_results=8)

# --- reserve_meeting_room
single("reserve_meeting_room", "Book a room in the Dublin office on 2026-12-08 from 14:00 to 15:00 for 6 people.",
       building=["Dublin office", "Dublin", "Dublin Office"], date=D("2026-12-08"), start_time=T("14:00"),
       end_time=T("15:00"), attendees=6)
single("reserve_meeting_room", "Reserve a meeting room in HQ Building A on January 14, 2027, 09:00-11:30, 12 "
       "attendees.", building=["HQ Building A", "Building A"], date=D("2027-01-14"), start_time=T("09:00"),
       end_time=T("11:30"), attendees=12)
single("reserve_meeting_room", "I need a room for 4 in Tower 2 on 2026-12-03 between 16:30 and 17:00.",
       building=["Tower 2"], date=D("2026-12-03"), start_time=T("16:30"), end_time=T("17:00"), attendees=4)
single("reserve_meeting_room", "Grab a conference room in the Austin building for 20 people on 2027-02-22, 10:00 to "
       "12:00.", building=["Austin", "Austin building"], date=D("2027-02-22"), start_time=T("10:00"),
       end_time=T("12:00"), attendees=20)
single("reserve_meeting_room", "Room booking: Building C, 2026-12-17, 13:00-14:30, 8 people.",
       building=["Building C"], date=D("2026-12-17"), start_time=T("13:00"), end_time=T("14:30"), attendees=8)
single("reserve_meeting_room", "Can you reserve space at the Singapore office for a workshop of 15 on 2027-03-04 "
       "from 09:30 to 16:00?", building=["Singapore office", "Singapore", "Singapore Office"],
       date=D("2027-03-04"), start_time=T("09:30"), end_time=T("16:00"), attendees=15)
single("reserve_meeting_room", "book a room for 3 in the Riverside building on 2026-12-11 from 08:00 to 08:45",
       building=["Riverside", "Riverside building"], date=D("2026-12-11"), start_time=T("08:00"),
       end_time=T("08:45"), attendees=3)
single("reserve_meeting_room", "Reserve a meeting room in Building North for 10 on 2027-01-29, 15:00 to 16:30.",
       building=["Building North", "North"], date=D("2027-01-29"), start_time=T("15:00"), end_time=T("16:30"),
       attendees=10)

# --- get_public_holidays
single("get_public_holidays", "What are the public holidays in Germany in 2027?", country_code=["DE"], year=2027)
single("get_public_holidays", "List Japan's national holidays for 2027.", country_code=["JP"], year=2027)
single("get_public_holidays", "Which days are bank holidays in the UK in 2027?", country_code=["GB", "UK"],
       year=2027)
single("get_public_holidays", "Public holidays in Brazil 2026?", country_code=["BR"], year=2026)
single("get_public_holidays", "I'm planning team leave. Show me India's public holidays for 2027.",
       country_code=["IN"], year=2027)
single("get_public_holidays", "holidays in new zealand 2028", country_code=["NZ"], year=2028)
single("get_public_holidays", "Get Mexico's official holidays for 2027.", country_code=["MX"], year=2027)
single("get_public_holidays", "What public holidays does South Africa have in 2027?", country_code=["ZA"], year=2027)

# --- get_employee_info
single("get_employee_info", "What's Priya Raman's email address?", employee_name=["Priya Raman"], field="email")
single("get_employee_info", "Who is Tomás Ortega's manager?", employee_name=["Tomás Ortega", "Tomas Ortega"],
       field="manager")
single("get_employee_info", "Which department does Hannah Kowalski work in?", employee_name=["Hannah Kowalski"],
       field="department")
single("get_employee_info", "Get me the phone number for Daniel Osei.", employee_name=["Daniel Osei"], field="phone")
single("get_employee_info", "Where does Mei Lin sit? I need her office location.", employee_name=["Mei Lin"],
       field="office_location")
single("get_employee_info", "When did Rafael Duarte start at the company?", employee_name=["Rafael Duarte"],
       field="start_date")
single("get_employee_info", "Look up the work email of Ingrid Solberg.", employee_name=["Ingrid Solberg"],
       field="email")
single("get_employee_info", "Who does Kwame Mensah report to?", employee_name=["Kwame Mensah"], field="manager")

# --- parallel (2-3 independent calls; order not significant)
parallel("What's the weather right now in Oslo and in Bergen?",
         call("get_current_weather", location=C("Oslo")), call("get_current_weather", location=C("Bergen")))
parallel("Convert 100 USD to EUR and also 100 USD to GBP.",
         call("convert_currency", amount=100, from_currency="USD", to_currency="EUR"),
         call("convert_currency", amount=100, from_currency="USD", to_currency="GBP"))
parallel("Give me the current weather in Tokyo, Seoul and Taipei.",
         call("get_current_weather", location=C("Tokyo")), call("get_current_weather", location=C("Seoul")),
         call("get_current_weather", location=C("Taipei")))
parallel("Check the status of flights BA117 and AA100.",
         call("get_flight_status", flight_number=FN("BA", "117")),
         call("get_flight_status", flight_number=FN("AA", "100")))
parallel("Track UPS 1Z999AA10123456784 and FedEx 771234567890.",
         call("track_package", tracking_number=["1Z999AA10123456784"], carrier="ups"),
         call("track_package", tracking_number=["771234567890"], carrier="fedex"))
parallel("What's the 7-day forecast for Madrid, and what's the weather in Rome right now?",
         call("get_weather_forecast", location=C("Madrid"), days=7),
         call("get_current_weather", location=C("Rome")))
parallel("Quotes for AAPL, MSFT and GOOGL please.", call("get_stock_quote", symbol=["AAPL"]),
         call("get_stock_quote", symbol=["MSFT"]), call("get_stock_quote", symbol=["GOOGL"]))
parallel("How many pounds is 5 kg, and how many kilometers is 10 miles?",
         call("convert_units", value=5, from_unit=U("kg"), to_unit=U("lb")),
         call("convert_units", value=10, from_unit=U("mi"), to_unit=U("km")))
parallel("Translate 'Good morning, everyone' into French and into German.",
         call("translate_text", text=["Good morning, everyone"], target_language=LANG("fr", "French"),
              source_language=["", "en", "English", "english"]),
         call("translate_text", text=["Good morning, everyone"], target_language=LANG("de", "German"),
              source_language=["", "en", "English", "english"]))
parallel("Look up customer C-204817 in the CRM and check the status of order A58213.",
         call("lookup_customer", query=["C-204817"], search_by="customer_id"),
         call("get_order_status", order_id=["A58213", "#A58213"]))
parallel("Email sam@ridgeway.co with subject 'Outage' and body 'We are investigating the outage and will update you "
         "within the hour.', and open an urgent ticket titled 'API outage' with description 'All API requests "
         "return 503 since 14:05 UTC.'",
         call("send_email", to=[["sam@ridgeway.co"]], subject=TXT("Outage"),
              body=["We are investigating the outage and will update you within the hour."]),
         call("create_ticket", title=TXT("API outage"), description=["All API requests return 503 since 14:05 UTC."],
              priority="urgent"))
parallel("What are the public holidays in France and in Spain in 2027?",
         call("get_public_holidays", country_code=["FR"], year=2027),
         call("get_public_holidays", country_code=["ES"], year=2027))
parallel("What time is 10:00 New York time in London, and in Tokyo?",
         call("convert_timezone", time=T("10:00"), from_timezone=TZN("New York"), to_timezone=TZN("London")),
         call("convert_timezone", time=T("10:00"), from_timezone=TZN("New York"), to_timezone=TZN("Tokyo")))
parallel("Get me both the phone number and the email address of Daniel Osei.",
         call("get_employee_info", employee_name=["Daniel Osei"], field="phone"),
         call("get_employee_info", employee_name=["Daniel Osei"], field="email"))
parallel("Find flights from Boston to Dublin on 2027-03-12 and hotels in Dublin from 2027-03-12 to 2027-03-15.",
         call("search_flights", origin=AP("Boston"), destination=AP("Dublin"), departure_date=D("2027-03-12")),
         call("search_hotels", city=C("Dublin"), check_in=D("2027-03-12"), check_out=D("2027-03-15")))
parallel("Remind me at 08:00 on 2026-12-05 to 'call the bank', and put 'Team lunch' on my calendar that day at "
         "12:30.",
         call("set_reminder", message=TXT("call the bank"), remind_at=DT("2026-12-05", "08:00")),
         call("create_calendar_event", title=TXT("Team lunch"), start=DT("2026-12-05", "12:30")))
parallel("Move deal D-1042 to negotiation and mark deal D-2290 as closed lost.",
         call("update_deal_stage", deal_id=["D-1042"], stage="negotiation"),
         call("update_deal_stage", deal_id=["D-2290"], stage="closed_lost"))
parallel("On a $64 bill, what's an 18% tip versus a 20% tip?",
         call("calculate_tip", bill_amount=64, tip_percentage=18),
         call("calculate_tip", bill_amount=64, tip_percentage=20))
parallel("Compare the monthly payment on a 300,000 loan at 6% over 30 years with the same loan over 15 years.",
         call("calculate_loan_payment", principal=300000, annual_interest_rate=6, term_months=360),
         call("calculate_loan_payment", principal=300000, annual_interest_rate=6, term_months=180))
parallel("Headlines about AI from the US and from India, 5 each.",
         call("get_news_headlines", topic=TXT("AI", "artificial intelligence"), country=["US"],
              max_results=Opt(5)),
         call("get_news_headlines", topic=TXT("AI", "artificial intelligence"), country=["IN"],
              max_results=Opt(5)))
parallel("What's on my calendar on 2026-12-07, and what's the 2-day forecast for Boston?",
         call("list_calendar_events", start_date=D("2026-12-07"), end_date=D("2026-12-07") + [""]),
         call("get_weather_forecast", location=C("Boston"), days=2))
parallel("Reserve a room in Building C for 6 people on 2026-12-10 from 14:00 to 15:00, and email "
         "team@harborview.org with subject 'Design review' and body 'Design review is on Dec 10 at 14:00 in "
         "Building C.'",
         call("reserve_meeting_room", building=["Building C"], date=D("2026-12-10"), start_time=T("14:00"),
              end_time=T("15:00"), attendees=6),
         call("send_email", to=[["team@harborview.org"]], subject=TXT("Design review"),
              body=["Design review is on Dec 10 at 14:00 in Building C."]))
parallel("Convert 50 EUR to JPY, to KRW and to CNY.",
         call("convert_currency", amount=50, from_currency="EUR", to_currency="JPY"),
         call("convert_currency", amount=50, from_currency="EUR", to_currency="KRW"),
         call("convert_currency", amount=50, from_currency="EUR", to_currency="CNY"))
parallel("Driving directions from Oakland to Napa, and find wine bars in Napa that are open now.",
         call("get_directions", origin=["Oakland", "Oakland, CA", "Oakland, California"], destination=C("Napa"),
              mode=["", "driving"]),
         call("search_restaurants", location=C("Napa"), cuisine=TXT("wine bar", "wine bars", "wine"), open_now=True))
parallel("Invoice C-10077 for 560 GBP due 2026-12-20, and mark deal D-7781 as closed won.",
         call("create_invoice", customer_id=["C-10077"], amount=560, currency="GBP", due_date=D("2026-12-20")),
         call("update_deal_stage", deal_id=["D-7781"], stage="closed_won"))
parallel("Current weather in Cairo and in Dubai, both in Fahrenheit.",
         call("get_current_weather", location=C("Cairo"), unit="fahrenheit"),
         call("get_current_weather", location=C("Dubai"), unit="fahrenheit"))
parallel("Status of orders 99021 and 99022?", call("get_order_status", order_id=["99021"]),
         call("get_order_status", order_id=["99022"]))
parallel("Look up the customers with emails olivia.martin@brightsmile.dental and j.okafor@lagosfreight.ng.",
         call("lookup_customer", query=["olivia.martin@brightsmile.dental"], search_by="email"),
         call("lookup_customer", query=["j.okafor@lagosfreight.ng"], search_by="email"))
parallel("Convert 180 cm to inches and 75 kg to pounds.",
         call("convert_units", value=180, from_unit=U("cm"), to_unit=U("in")),
         call("convert_units", value=75, from_unit=U("kg"), to_unit=U("lb")))
parallel("Who is Priya Raman's manager, and who is Tomás Ortega's?",
         call("get_employee_info", employee_name=["Priya Raman"], field="manager"),
         call("get_employee_info", employee_name=["Tomás Ortega", "Tomas Ortega"], field="manager"))
parallel("Find Indian restaurants in Leicester and Chinese restaurants in Manchester.",
         call("search_restaurants", location=C("Leicester"), cuisine=TXT("indian")),
         call("search_restaurants", location=C("Manchester"), cuisine=TXT("chinese")))
parallel("Check flight LH400 on 2026-12-14 and tell me the weather in Frankfurt right now.",
         call("get_flight_status", flight_number=FN("LH", "400"), date=D("2026-12-14")),
         call("get_current_weather", location=C("Frankfurt")))
parallel("Set two reminders: 'Submit timesheet' on 2026-12-04 at 17:00 and again on 2026-12-11 at 17:00.",
         call("set_reminder", message=TXT("Submit timesheet"), remind_at=DT("2026-12-04", "17:00")),
         call("set_reminder", message=TXT("Submit timesheet"), remind_at=DT("2026-12-11", "17:00")))
parallel("Search two one-way flights: London to New York on 2027-05-01 and New York to London on 2027-05-09.",
         call("search_flights", origin=AP("London"), destination=AP("New York"), departure_date=D("2027-05-01")),
         call("search_flights", origin=AP("New York"), destination=AP("London"), departure_date=D("2027-05-09")))
parallel("Public holidays in Canada for 2027 and for 2028.",
         call("get_public_holidays", country_code=["CA"], year=2027),
         call("get_public_holidays", country_code=["CA"], year=2028))
parallel("What's 14:00 Los Angeles time in Paris and in Mumbai?",
         call("convert_timezone", time=T("14:00"), from_timezone=TZN("Los Angeles"), to_timezone=TZN("Paris")),
         call("convert_timezone", time=T("14:00"), from_timezone=TZN("Los Angeles"), to_timezone=TZN("Mumbai")))
parallel("Where are DHL 1234567890 and Royal Mail AB123456789GB?",
         call("track_package", tracking_number=["1234567890"], carrier="dhl"),
         call("track_package", tracking_number=["AB123456789GB"], carrier="royal_mail"))
parallel("Get quotes for SAP on Xetra and for Nestlé (NESN) on the SIX Swiss Exchange.",
         call("get_stock_quote", symbol=["SAP", "SAP.DE"], exchange=["Xetra", "XETRA", "XETR"]),
         call("get_stock_quote", symbol=["NESN", "NESN.SW"], exchange=["SIX", "SIX Swiss Exchange", "XSWX"]))
parallel("3-day forecasts for Cusco and for Lima, please.",
         call("get_weather_forecast", location=C("Cusco"), days=3),
         call("get_weather_forecast", location=C("Lima"), days=3))
parallel("List my calendar for 2026-12-01 and get the US public holidays for 2027.",
         call("list_calendar_events", start_date=D("2026-12-01"), end_date=D("2026-12-01") + [""]),
         call("get_public_holidays", country_code=["US"], year=2027))
parallel("Create a high priority ticket 'Login page slow' with description 'Login takes over 10 seconds for EU "
         "users.' and a low priority ticket 'Update footer year' with description 'The footer still shows 2025.'",
         call("create_ticket", title=TXT("Login page slow"), description=["Login takes over 10 seconds for EU users."],
              priority="high"),
         call("create_ticket", title=TXT("Update footer year"), description=["The footer still shows 2025."],
              priority="low"))
parallel("Convert 2,500 SEK to EUR and 2,500 SEK to NOK.",
         call("convert_currency", amount=2500, from_currency="SEK", to_currency="EUR"),
         call("convert_currency", amount=2500, from_currency="SEK", to_currency="NOK"))
parallel("Book Tower 2 for 5 people on 2027-01-06 from 10:00 to 11:00, and the same slot on 2027-01-13.",
         call("reserve_meeting_room", building=["Tower 2"], date=D("2027-01-06"), start_time=T("10:00"),
              end_time=T("11:00"), attendees=5),
         call("reserve_meeting_room", building=["Tower 2"], date=D("2027-01-13"), start_time=T("10:00"),
              end_time=T("11:00"), attendees=5))
parallel("Find Mei Lin's office location and Hannah Kowalski's department.",
         call("get_employee_info", employee_name=["Mei Lin"], field="office_location"),
         call("get_employee_info", employee_name=["Hannah Kowalski"], field="department"))
parallel("Email ops@fleetline.com with subject 'Truck 12' and body 'Truck 12 is back in service.', cc "
         "dispatch@fleetline.com. Also email billing@fleetline.com with subject 'PO 5521' and body 'PO 5521 is "
         "approved.'",
         call("send_email", to=[["ops@fleetline.com"]], subject=TXT("Truck 12"), body=["Truck 12 is back in service."],
              cc=[["dispatch@fleetline.com"]]),
         call("send_email", to=[["billing@fleetline.com"]], subject=TXT("PO 5521"), body=["PO 5521 is approved."]))
parallel("Walking directions from Times Square to Bryant Park, and from Bryant Park to Grand Central.",
         call("get_directions", origin=["Times Square", "Times Square, New York", "Times Square, New York, NY"],
              destination=["Bryant Park", "Bryant Park, New York", "Bryant Park, New York, NY"], mode="walking"),
         call("get_directions", origin=["Bryant Park", "Bryant Park, New York", "Bryant Park, New York, NY"],
              destination=["Grand Central", "Grand Central Terminal", "Grand Central Terminal, New York",
                           "Grand Central, New York"], mode="walking"))
parallel("Translate 'Please keep your ticket until the end of the journey' into Dutch, Polish and Swedish.",
         *[call("translate_text", text=["Please keep your ticket until the end of the journey"],
                target_language=LANG(c, n), source_language=["", "en", "English", "english"])
           for c, n in (("nl", "Dutch"), ("pl", "Polish"), ("sv", "Swedish"))])
parallel("Give me the top 5 business headlines in the UK and HSBC's share price (HSBA) on the LSE.",
         call("get_news_headlines", topic=TXT("business"), country=["GB", "UK"], max_results=Opt(5)),
         call("get_stock_quote", symbol=["HSBA", "HSBA.L"], exchange=["LSE", "XLON", "London Stock Exchange"]))
parallel("What's the monthly payment on 18,000 at 6.9% over 48 months, and what is 18,000 USD in EUR?",
         call("calculate_loan_payment", principal=18000, annual_interest_rate=6.9, term_months=48),
         call("convert_currency", amount=18000, from_currency="USD", to_currency="EUR"))
parallel("What's the weather in Cusco right now, and the 5-day forecast there?",
         call("get_current_weather", location=C("Cusco")),
         call("get_weather_forecast", location=C("Cusco"), days=5))
parallel("Track 9400100000000000000000 (USPS) and 7023210039414604 (Canada Post).",
         call("track_package", tracking_number=["9400100000000000000000"], carrier="usps"),
         call("track_package", tracking_number=["7023210039414604"], carrier="canada_post"))
parallel("Check the status of orders W-330918, W-330919 and W-330920.",
         call("get_order_status", order_id=["W-330918"]), call("get_order_status", order_id=["W-330919"]),
         call("get_order_status", order_id=["W-330920"]))
parallel("Look up Halcyon Robotics in the CRM and move deal D-3301 to proposal.",
         call("lookup_customer", query=["Halcyon Robotics"], search_by="company_name"),
         call("update_deal_stage", deal_id=["D-3301"], stage="proposal"))
parallel("How far is a half marathon (21.1 km) in miles, and what's 26.2 miles in km?",
         call("convert_units", value=21.1, from_unit=U("km"), to_unit=U("mi")),
         call("convert_units", value=26.2, from_unit=U("mi"), to_unit=U("km")))
parallel("Find hotels in Porto for 2 from 2027-06-01 to 2027-06-04, and in Lisbon for 2 from 2027-06-04 to "
         "2027-06-08.",
         call("search_hotels", city=C("Porto"), check_in=D("2027-06-01"), check_out=D("2027-06-04"), guests=2),
         call("search_hotels", city=C("Lisbon"), check_in=D("2027-06-04"), check_out=D("2027-06-08"), guests=2))

# --- irrelevance (no tool in the pool can do this; expected [])
irrelevant("Write me a haiku about the first snow of the year.", near=["get_current_weather", "get_weather_forecast"])
irrelevant("What's the capital of Australia?", near=["get_public_holidays", "get_news_headlines"])
irrelevant("Cancel my flight UA882 on December 2.", near=["get_flight_status", "search_flights"])
irrelevant("Book a table for two at Nopa at 7pm tonight.", near=["search_restaurants", "get_directions"])
irrelevant("Can you recommend a good book on Roman history?", near=["search_restaurants", "get_news_headlines"])
irrelevant("Order me a large pepperoni pizza for delivery.", near=["search_restaurants", "get_order_status"])
irrelevant("What is the derivative of x^3 sin(x)?", near=["convert_units", "calculate_loan_payment"])
irrelevant("Play some relaxing jazz in the kitchen.", near=["set_reminder", "get_news_headlines"])
irrelevant("Delete every event on my calendar for next week.", near=["list_calendar_events", "create_calendar_event"])
irrelevant("Turn off the living room lights.", near=["set_reminder", "get_current_weather"])
irrelevant("How many moons does Jupiter have?", near=["get_news_headlines", "convert_units"])
irrelevant("Refund order A58213 to the customer's credit card.", near=["get_order_status", "create_invoice"])
irrelevant("Summarise the plot of Hamlet in two sentences.", near=["translate_text", "get_news_headlines"])
irrelevant("Buy 10 shares of NVDA at market price.", near=["get_stock_quote", "convert_currency"])
irrelevant("What's the population of Lagos?", near=["get_news_headlines", "get_current_weather"])
irrelevant("Call my mum on speakerphone.", near=["send_email", "get_employee_info"])
irrelevant("Unsubscribe me from the Fabrikam newsletter.", near=["send_email", "lookup_customer"])
irrelevant("Fix the grammar in this sentence: 'Me and him goes to the store yesterday.'",
           near=["translate_text", "send_email"])
irrelevant("Reset my Wi-Fi router, it keeps dropping.", near=["create_ticket", "track_package"])
irrelevant("Who won the 2018 FIFA World Cup?", near=["get_news_headlines", "get_public_holidays"])
irrelevant("Upgrade my seat on BA117 to business class.", near=["get_flight_status", "search_flights"])
irrelevant("Give me a recipe for banana bread.", near=["search_restaurants", "convert_units"])
irrelevant("Transfer $500 from my checking account to my savings account.",
           near=["convert_currency", "create_invoice"])
irrelevant("Extend my hotel stay in Kyoto by one more night.", near=["search_hotels", "create_calendar_event"])
irrelevant("How do I politely decline a meeting invitation from my boss?",
           near=["send_email", "list_calendar_events"])

# --------------------------------------------------------------------------------------------------------------
# Expansion
# --------------------------------------------------------------------------------------------------------------


def expand_args(tool, args):
    spec = TOOLS[tool]["parameters"]
    props, required = spec["properties"], spec["required"]
    unknown = set(args) - set(props)
    assert not unknown, (tool, unknown)
    out = {}
    for p, schema in props.items():
        if p in args:
            v = args[p]
            if isinstance(v, Opt):
                assert "default" in schema and schema["default"] == v.value, (tool, p)
                vals = [v.value, ""]
            elif isinstance(v, list):
                vals = list(v)
            else:
                vals = [v]
            if "enum" in schema:
                assert all(x in schema["enum"] or x == "" for x in vals), (tool, p, vals)
        else:
            assert p not in required, (tool, p, "required argument missing")
            vals = [""] + ([schema["default"]] if "default" in schema else [])
        assert vals and len(vals) == len({json.dumps(x, sort_keys=True) for x in vals}), (tool, p, vals)
        out[p] = vals
    return out


def pick_tools(rng, kind, calls, near):
    names = list(TOOLS)
    needed = []
    for tool, _ in calls:
        if tool not in needed:
            needed.append(tool)
    if kind == "simple":
        primary = needed[0]
        far = [t for t in names if t != primary and t not in SIBLINGS[primary] and primary not in SIBLINGS[t]]
        chosen = needed + rng.sample(far, rng.choice([1, 1, 2]))
    elif kind == "multiple":
        primary = needed[0]
        sib = [t for t in SIBLINGS[primary]]
        k_sib = min(len(sib), rng.choice([1, 2]))
        chosen = needed + rng.sample(sib, k_sib)
        rest = [t for t in names if t not in chosen]
        total = rng.randint(4, 6)
        chosen += rng.sample(rest, total - len(chosen))
    elif kind == "parallel":
        total = rng.randint(max(2, len(needed) + 1), max(4, min(6, len(needed) + 4)))
        rest = [t for t in names if t not in needed]
        chosen = needed + rng.sample(rest, total - len(needed))
    else:  # irrelevance
        total = rng.randint(2, 6)
        chosen = list(near)[:total]
        rest = [t for t in names if t not in chosen]
        chosen += rng.sample(rest, total - len(chosen))
    assert 2 <= len(chosen) <= 6 and len(set(chosen)) == len(chosen)
    rng.shuffle(chosen)
    return [TOOLS[t] for t in chosen]


def build():
    rng = random.Random(SEED)
    order = list(range(len(CASES)))
    rng.shuffle(order)
    prepared = []
    for i in order:
        kind, request, calls, extra = CASES[i]
        if kind == "single":
            kind = "simple" if rng.random() < 0.4 else "multiple"
        tools = pick_tools(rng, kind, calls, extra.get("near", []))
        expected = [{"name": t, "arguments": expand_args(t, a)} for t, a in calls]
        prepared.append((kind, request, tools, expected))
    # stratified split: ~14% of each category goes to train
    by_kind = {}
    for idx, (kind, *_rest) in enumerate(prepared):
        by_kind.setdefault(kind, []).append(idx)
    train = set()
    for kind in sorted(by_kind):
        idxs = by_kind[kind]
        n = max(3, round(len(idxs) * 0.14))
        train.update(rng.sample(idxs, n))
    lines = []
    for n, (kind, request, tools, expected) in enumerate(prepared, 1):
        case = {
            "id": f"tc-{n:05d}",
            "input": {"request": request, "tools": tools},
            "expected": expected,
            "split": "train" if (n - 1) in train else "test",
            "tags": [kind],
            "cluster": expected[0]["name"] if expected else None,
            "labels": [],
        }
        lines.append(json.dumps(case, ensure_ascii=False))
    return lines


def yaml_str(s):
    return json.dumps(s, ensure_ascii=True)


def write(lines):
    data = ("\n".join(lines) + "\n").encode("utf-8")
    (HERE / "v1.jsonl").write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    description = """\
Function-calling cases: a user request plus 2-6 tool definitions (JSON Schema parameters) drawn from a pool of
27 realistic tools (weather, flights, hotels, calendar, reminders, email, tickets, CRM, invoices, orders, parcel
tracking, stocks, translation, directions, restaurants, loans, time zones, tips, news, meeting rooms, public
holidays, staff directory). Categories (tag): simple = one call, the other 1-2 tools are unrelated; multiple = one
call, 4-6 tools including look-alike tools (e.g. current weather vs forecast); parallel = 2-3 independent calls,
order not significant; irrelevance = no tool fits, expected is []. Expected calls follow the Berkeley Function
Calling Leaderboard ground-truth convention: every parameter of the called tool is listed and maps to a LIST of
acceptable values; "" in a list means the argument may be omitted (optional arguments the user did not mention
are [""] plus the schema default, if any). Dates accept YYYY-MM-DD, MM/DD/YYYY and "Month D, YYYY"; date-times
accept YYYY-MM-DDTHH:MM with or without seconds or with a space; array arguments list each acceptable array.
cluster is the first expected tool's name (null for irrelevance cases)."""
    manifest = "\n".join([
        "name: tool-calls",
        "description: |",
        *["  " + line for line in description.splitlines()],
        "source: " + yaml_str("Generated by datasets/tool-calls/generate.py (seed %d, Python 3.11 stdlib) from "
                              "hand-written requests and tool schemas." % SEED),
        "licence: CC0-1.0",
        "task_class: function-calling",
        "fields:",
        "  request: " + yaml_str("The user's message."),
        "  tools: " + yaml_str("The tools offered to the model: a list of {name, description, parameters} with "
                               "parameters as a JSON Schema object."),
        "versions:",
        '  "1":',
        "    file: v1.jsonl",
        "    sha256: " + sha,
        "    cases: %d" % len(lines),
        '    created: "%s"' % CREATED,
        "    notes: " + yaml_str("First version."),
        "",
    ])
    (HERE / "dataset.yaml").write_text(manifest, encoding="utf-8")
    return sha


if __name__ == "__main__":
    lines = build()
    sha = write(lines)
    print(f"wrote {len(lines)} cases to {HERE / 'v1.jsonl'} (sha256 {sha})")
