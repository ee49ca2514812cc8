#!/usr/bin/env python3
"""Generate datasets/grounded-qa/v1.jsonl and dataset.yaml.

Deterministic (seed 20261126, Python 3.11 stdlib only): rerunning writes byte-identical files.

36 fictional source documents (company policies, product manuals, municipal notices, research summaries) were
written by hand for this dataset (CC0-1.0). Every checkable fact in a document is a placeholder `{key}` in its
section text, filled from that document's fact table, so each question's expected answer is the very string
that appears in the passage (plus hand-listed equivalent forms). Case kinds (tag):

  single-fact   one fact; the context holds its section plus 0-3 distractor passages
  two-passage   two facts from two different sections of one document; both sections are in the context
  unanswerable  expected ["unanswerable"]: either the question asks something no section states ("absent"),
                or it asks a real fact whose section is withheld from the context ("withheld"; the generator
                checks that no accepted form of the answer occurs anywhere in the context)

Judge-calibration labels (test split) are built from the same fact table: correct sentences use the true value,
wrong ones substitute the fact's hand-written wrong value, so every verdict is right by construction.

    python3 datasets/grounded-qa/generate.py
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

SEED = 20261126
CREATED = "2026-11-25"
HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------------------------------------------
# Documents. Format:
#   @@ doc-id | category | title
#   # Section heading            (followed by the section text; {key} marks a fact)
#   ? key | value; alt; alt | wrong value | question | answer sentence with {} for the value
#   & key1 key2 | question needing both facts (from two different sections)
#   ! question the document does not answer | a hallucinated answer sentence
# --------------------------------------------------------------------------------------------------------------

DOCS = r"""
@@ doc-01 | policy | Harlow Logistics Ltd — Annual Leave Policy (HR-07)
# Scope and entitlement
This policy applies to all employees of Harlow Logistics Ltd working at the Daventry, Thurrock and Avonmouth depots and at head office in Northampton. Full-time employees receive {entitlement} of paid annual leave per holiday year, in addition to the eight bank holidays. The holiday year runs from {year_start} to the last day of March. Part-time employees receive a pro-rata entitlement calculated on their contracted hours.
# Requesting leave
Leave is requested through the MyHarlow self-service portal. Requests for up to two consecutive days need at least {notice_short} notice; requests for longer periods must be submitted at least {notice_long} before the first day of leave. Requests are approved by the employee's {approver}. During the peak period from 20 November to 5 January, no more than {peak_cap} of any depot team may be on leave at the same time.
# Carrying leave over
Employees may carry over up to {carry_days} of unused leave into the next holiday year. Carried-over days must be taken by {carry_deadline} or they are forfeited, unless the employee was unable to take leave because of sickness or family leave, in which case HR will agree a later date. Leave cannot be exchanged for pay except on termination.
# Sickness during leave
An employee who falls ill while on annual leave may reclassify the affected days as sick leave, provided they notify their manager on the first day of illness and supply a fit note for any absence of more than {fit_note_days} calendar days. Reclassified days are re-credited to the employee's leave balance within one pay period.
# Leaving the company
On leaving, accrued but untaken leave is paid at the employee's basic daily rate. Leave taken in excess of the accrued entitlement is deducted from the final salary payment. Both adjustments are made in the final payroll run, which takes place on the {payroll_day} of each month.
? entitlement | 26 days; twenty-six days | 28 days | How much paid annual leave do full-time Harlow Logistics employees receive per holiday year, not counting bank holidays? | Full-time employees at Harlow Logistics get {} of paid annual leave per holiday year, on top of bank holidays.
? year_start | 1 April; April 1; 1st April | 1 January | On what date does the Harlow Logistics holiday year begin? | The Harlow Logistics holiday year starts on {}.
? notice_short | 48 hours; forty-eight hours; two days | 24 hours | What is the minimum notice for a Harlow Logistics leave request covering up to two consecutive days? | A request for up to two consecutive days needs at least {} notice.
? notice_long | four weeks; 4 weeks; 28 days | two weeks | How far in advance must a Harlow Logistics employee submit a request for leave longer than two consecutive days? | Leave of more than two consecutive days must be requested at least {} before it starts.
? approver | shift manager; the shift manager; the employee's shift manager | depot director | Who approves annual leave requests at Harlow Logistics? | Annual leave requests are approved by the employee's {}.
? peak_cap | 15%; 15 percent; fifteen percent | 25% | During the Harlow Logistics peak period, what is the largest share of a depot team that may be on leave at the same time? | During the peak period no more than {} of a depot team may be on leave at once.
? carry_days | five days; 5 days | ten days | How many days of unused leave can a Harlow Logistics employee carry into the next holiday year? | Up to {} of unused leave can be carried over into the next holiday year.
? carry_deadline | 30 June; June 30 | 30 September | By what date must carried-over leave be taken at Harlow Logistics before it is forfeited? | Carried-over leave must be used by {}, otherwise it is forfeited.
? fit_note_days | seven; 7; seven days; 7 days; seven calendar days | five | If a Harlow Logistics employee is ill during annual leave, for an absence of more than how many calendar days must they supply a fit note? | A fit note is needed for any absence of more than {} calendar days.
? payroll_day | 25th; 25; 25th of the month | last working day | On which day of the month does the Harlow Logistics payroll run take place? | The payroll run takes place on the {} of each month.
& entitlement carry_days | How much paid annual leave do full-time Harlow Logistics employees get per holiday year, and how much unused leave can they carry over?
& approver carry_deadline | Who approves annual leave requests at Harlow Logistics, and by what date must carried-over leave be used?
! How many days of paid compassionate leave does Harlow Logistics grant after the death of a close relative? | Harlow Logistics grants five days of paid compassionate leave after the death of a close relative.
! Can Harlow Logistics employees buy extra days of annual leave? | Yes, employees can buy up to five extra days of leave a year through salary sacrifice.

@@ doc-02 | policy | Brightwater Software — Hybrid and Remote Work Policy
# Eligibility
Employees become eligible for hybrid working after completing their {probation} probation period. Hybrid employees are expected in the office on at least {office_days} per week, one of which must be the team's anchor day set by the department head. Roles in the Customer Operations Centre in Leeds are excluded from hybrid working.
# Home office equipment
Brightwater provides a laptop, one external monitor and a headset to every hybrid or remote employee. In addition, employees may claim a one-off home office allowance of up to {allowance} for a desk or chair, submitted through Expensify with receipts within {claim_window} of purchase. Equipment remains company property and must be returned within 10 working days of leaving.
# Working from abroad
Employees may work from another country for up to {abroad_days} working days in any rolling 12-month period, subject to approval by the People team at least {abroad_notice} in advance. Working from countries subject to UK sanctions is not permitted under any circumstances. Longer arrangements require a formal assessment of the tax and immigration implications.
# Core hours and availability
All employees, wherever they work, must be available between the core hours of {core_hours} UK time, Monday to Friday. Outside core hours, employees may arrange their working day flexibly with their manager. Cameras should be switched on for team meetings of {meeting_size} or fewer people.
? probation | six-month; six months; 6 months; 6-month | three-month | How long is the probation period Brightwater employees must complete before they become eligible for hybrid working? | Brightwater staff must complete their {} probation period before they can work hybrid.
? office_days | two days; 2 days; two | three days | At minimum, how many days per week must Brightwater hybrid employees be in the office? | Hybrid employees have to be in the office at least {} per week.
? allowance | £350; 350 pounds | £500 | What is the maximum one-off home office allowance a Brightwater employee can claim? | Employees can claim a one-off home office allowance of up to {}.
? claim_window | 60 days; sixty days | 30 days | Within how long of the purchase must a Brightwater employee submit a home office allowance claim? | The claim must be submitted with receipts within {} of purchase.
? abroad_days | 20; twenty; 20 working days; twenty working days | 30 | For how many working days in a rolling 12-month period may a Brightwater employee work from another country? | Employees may work from another country for up to {} working days in any rolling 12-month period.
? abroad_notice | three weeks; 3 weeks; 21 days | one week | How far in advance must a Brightwater employee get approval from the People team to work from abroad? | Working abroad must be approved by the People team at least {} in advance.
? core_hours | 10:00 and 15:00; 10:00 to 15:00; 10:00-15:00; 10am to 3pm; 10 a.m. to 3 p.m. | 09:00 and 17:00 | What are Brightwater's core hours, UK time? | Brightwater's core hours are between {} UK time, Monday to Friday.
? meeting_size | eight; 8; eight people; 8 people | twelve | Up to what size of team meeting should Brightwater employees have their cameras on? | Cameras should be on for team meetings of {} or fewer people.
& office_days core_hours | How many days a week must Brightwater hybrid staff be in the office, and what are the company's core hours?
& probation abroad_days | Before becoming eligible for hybrid work, how long a probation period must Brightwater staff complete, and for how many working days a year may they work from abroad?
! How much does Brightwater pay remote employees each month towards home broadband? | Brightwater pays remote employees a broadband allowance of £25 per month.

@@ doc-03 | policy | Meridian Health Partners — Travel and Expenses Policy (FIN-12)
# Booking travel
All business travel must be booked through the company's travel agent, Corvid Travel, at least {book_ahead} before departure where possible. Rail is the default for journeys under {rail_hours}; economy class applies to all flights under six hours, and premium economy may be booked for longer flights with director approval.
# Accommodation
Hotel costs are reimbursed up to {hotel_london} per night in London and {hotel_other} per night elsewhere in the UK, including breakfast. Overseas limits are set per city in Appendix B. Staff who stay with friends or family instead of a hotel may claim a flat £30 per night.
# Meals and subsistence
When travelling for more than five hours, staff may claim meal costs up to a daily cap of {meal_cap}. Alcohol is not reimbursable. Client entertainment must be pre-approved by a budget holder and is limited to {entertain_cap} per head.
# Mileage
Staff using a private car for business journeys may claim {mileage_rate} per mile for the first 10,000 business miles in the tax year and 25p per mile thereafter. Commuting mileage between home and the usual workplace cannot be claimed.
# Submitting claims
Expense claims must be submitted in Concur within {claim_deadline} of the expense being incurred, with itemised receipts for every item above £10. Claims are approved by the employee's line manager and paid with the next monthly salary, provided they are approved by the {cutoff_day} of the month.
? book_ahead | 14 days; fourteen days; two weeks | 7 days | How far before departure should Meridian Health Partners staff book business travel where possible? | Travel should be booked through Corvid Travel at least {} before departure where possible.
? rail_hours | four hours; 4 hours | three hours | Under the Meridian Health Partners policy, for journeys shorter than what duration is rail the default? | Rail is the default for journeys under {}.
? hotel_london | £190; 190 pounds | £150 | What is the nightly hotel limit in London under the Meridian Health Partners expenses policy? | Hotels in London are reimbursed up to {} per night, breakfast included.
? hotel_other | £120; 120 pounds | £140 | What is the nightly hotel limit for UK locations outside London under Meridian's expenses policy? | Outside London, hotel costs are reimbursed up to {} per night.
? meal_cap | £45; 45 pounds | £60 | What is the daily cap on meal costs for Meridian Health Partners staff travelling for more than five hours? | The daily cap for meals is {}.
? entertain_cap | £75; 75 pounds; £75 per head | £100 | What is the per-head limit for client entertainment at Meridian Health Partners? | Pre-approved client entertainment is limited to {} per head.
? mileage_rate | 45p; 45 pence | 40p | What mileage rate can Meridian staff claim for the first 10,000 business miles in a tax year? | Staff can claim {} per mile for the first 10,000 business miles.
? claim_deadline | 90 days; ninety days | 30 days | Within what period must Meridian Health Partners expense claims be submitted? | Claims must be submitted in Concur within {} of the expense.
? cutoff_day | 15th; 15; the 15th | 20th | By what day of the month must a Meridian expense claim be approved to be paid with the next monthly salary? | A claim must be approved by the {} of the month to be paid with the next salary.
& hotel_london meal_cap | Under Meridian Health Partners' policy, what is the nightly hotel limit in London and the daily cap on meals?
& rail_hours mileage_rate | Below what journey time is rail the default at Meridian Health Partners, and what mileage rate applies to the first 10,000 business miles?
! What is Meridian Health Partners' daily meal allowance for business trips to Paris? | The overseas meal allowance for Paris is €70 per day.

@@ doc-04 | policy | Kestrel Bank — Information Security Standard ISS-03: Passwords and Devices
# Passwords
Passwords for Kestrel Bank systems must be at least {pw_len} characters long and must not appear on the bank's list of compromised passwords. Passwords are no longer subject to routine expiry; they must be changed immediately if compromise is suspected. Accounts are locked after {lockout} consecutive failed sign-in attempts.
# Multi-factor authentication
MFA is mandatory for remote access, for email and for all payment systems. The approved authenticator is the Kestrel Secure app; SMS codes may be used only as a temporary fallback for up to {sms_days} days while a replacement phone is set up. Hardware security keys are issued to all {key_holders}.
# Laptops and mobile devices
Bank-issued laptops lock automatically after {screen_lock} of inactivity and must use full-disk encryption. Personal phones may access email only through the Intune-managed Outlook app. Lost or stolen devices must be reported to the IT Service Desk on extension {it_ext} within {report_time} of discovery.
# Removable media
USB storage devices are blocked on all bank endpoints. Exceptions require approval from the Chief Information Security Officer, currently {ciso}, and are reviewed every {exception_review} months.
? pw_len | 14; fourteen; 14 characters | 12 | What is the minimum password length for Kestrel Bank systems? | Kestrel Bank passwords must be at least {} characters long.
? lockout | five; 5; five attempts | three | After how many consecutive failed sign-in attempts is a Kestrel Bank account locked? | An account is locked after {} consecutive failed sign-in attempts.
? sms_days | seven; 7; seven days; 7 days | 14 | For how many days at most may SMS codes be used as an MFA fallback at Kestrel Bank? | SMS codes may only be used as a fallback for up to {} days.
? key_holders | staff with administrator privileges; administrators; staff with admin privileges | branch staff | Which Kestrel Bank staff are issued hardware security keys? | Hardware security keys go to all {}.
? screen_lock | five minutes; 5 minutes | 15 minutes | After how long of inactivity do Kestrel Bank laptops lock automatically? | Bank laptops lock automatically after {} of inactivity.
? it_ext | 4400; extension 4400 | 4040 | Which extension should Kestrel Bank staff call to report a lost or stolen device? | Lost or stolen devices are reported to the IT Service Desk on extension {}.
? report_time | one hour; 1 hour; 60 minutes | 24 hours | Within what time of discovery must a lost Kestrel Bank device be reported? | A lost or stolen device must be reported within {} of discovery.
? ciso | Priya Raman | Daniel Okafor | Who is Kestrel Bank's current Chief Information Security Officer? | The current CISO, who approves USB exceptions, is {}.
? exception_review | six; 6; six months; 6 months; every six months | twelve | How often are approved USB storage exceptions reviewed at Kestrel Bank? | USB storage exceptions are reviewed every {} months.
& pw_len screen_lock | What is Kestrel Bank's minimum password length, and after how much inactivity do bank laptops lock?
& ciso it_ext | Who must approve a USB storage exception at Kestrel Bank, and on which extension are lost devices reported?
! How many working days does it take Kestrel Bank IT to issue a replacement laptop? | Kestrel Bank IT issues a replacement laptop within three working days.

@@ doc-05 | policy | Oakridge Manufacturing — Site Safety Rules, Plant 2 (Revision 9)
# Personal protective equipment
Safety footwear with steel or composite toe caps and high-visibility vests must be worn at all times on the production floor. Hearing protection is mandatory in zones marked blue, where noise levels exceed {noise_db}. Safety glasses must be worn within {glasses_m} of any grinding or cutting station.
# Forklift traffic
Only staff holding a current Oakridge forklift licence may operate lift trucks; licences are renewed every {fl_renew} after a practical reassessment. The site speed limit for all vehicles is {speed}. Pedestrians must use the yellow walkways and give way to vehicles at marked crossings.
# Incident reporting
All injuries, however minor, and all near misses must be reported to the shift supervisor before the end of the shift and logged in the SafeTrack system within {report_window}. Incidents causing more than seven days of absence are reported to the Health and Safety Executive by the EHS manager, {ehs_manager}.
# Fire and evacuation
Fire alarms are tested every {alarm_day} at 11:00; a continuous siren at any other time means evacuate immediately. The assembly point for Plant 2 is {assembly}. Fire wardens wear orange helmets and take a roll call from the shift attendance list.
? noise_db | 85 dB; 85 decibels; 85 dB(A) | 80 dB | Above what noise level is hearing protection mandatory at Oakridge Plant 2? | Hearing protection is mandatory in blue zones, where noise exceeds {}.
? glasses_m | 3 metres; three metres; 3 m; 3 meters | 5 metres | Within what distance of a grinding or cutting station must safety glasses be worn at Oakridge Plant 2? | Safety glasses are required within {} of any grinding or cutting station.
? fl_renew | three years; 3 years | five years | How often are Oakridge forklift licences renewed? | Forklift licences are renewed every {} after a practical reassessment.
? speed | 8 km/h; 8 kilometres per hour; 8 kph | 10 km/h | What is the vehicle speed limit at Oakridge Plant 2? | The site speed limit for all vehicles is {}.
? report_window | 24 hours; twenty-four hours | 48 hours | Within what time must injuries and near misses be logged in SafeTrack at Oakridge Plant 2? | Injuries and near misses must be logged in SafeTrack within {}.
? ehs_manager | Tomasz Wilk | Gareth Hughes | Who reports serious incidents at Oakridge Plant 2 to the Health and Safety Executive? | The EHS manager, {}, reports such incidents to the Health and Safety Executive.
? alarm_day | Wednesday; Wednesdays | Monday | On which day of the week are fire alarms tested at Oakridge Plant 2? | Fire alarms are tested every {} at 11:00.
? assembly | Car Park C, by the north gate; Car Park C | Car Park A, by the main entrance | Where is the fire assembly point for Oakridge Plant 2? | The Plant 2 assembly point is {}.
& noise_db speed | At Oakridge Plant 2, above what noise level is hearing protection required, and what is the site speed limit?
& ehs_manager assembly | Who is the EHS manager at Oakridge Plant 2, and where is the plant's fire assembly point?
! What disciplinary penalty applies at Oakridge Plant 2 for not wearing safety glasses? | Staff caught without safety glasses receive a written warning and a £50 fine.

@@ doc-06 | policy | Solace Home & Living — Returns and Refunds Policy
# Standard returns
Most items bought in Solace stores or at solace-home.example can be returned within {return_days} of delivery or purchase for a full refund, provided they are unused and in their original packaging. Mattresses and bedding can be returned only if the hygiene seal is unbroken. Proof of purchase is required for every return.
# Made-to-order furniture
Sofas, curtains and other made-to-order items are non-refundable unless faulty. Orders may be cancelled free of charge within {mto_cancel} of ordering; after that a cancellation fee of {mto_fee} of the order value applies, because production will have started.
# Faulty goods
If an item develops a fault within {fault_period} of delivery, Solace will repair or replace it free of charge; if a repair is not possible, a full refund is given. Faults should be reported with photographs through the online returns portal. Collection of large faulty items is free of charge.
# Refund method and timing
Refunds are made to the original payment method within {refund_days} of the returned item arriving at the Northampton returns centre. Store returns are refunded at the till, and gift card purchases are refunded to a new gift card. Return postage for non-faulty online orders costs {return_postage}, which is deducted from the refund.
# Christmas returns
Items bought between 1 November and 24 December can be returned until {xmas_deadline}, even if this is later than the end of the standard return period.
? return_days | 35 days; thirty-five days | 28 days | How long do Solace customers have to return most unused items for a full refund? | Most unused items can be returned within {} of delivery or purchase.
? mto_cancel | 72 hours; seventy-two hours; three days | 24 hours | Within what time of ordering can a Solace made-to-order item be cancelled free of charge? | Made-to-order items can be cancelled free of charge within {} of ordering.
? mto_fee | 20%; 20 percent; twenty percent | 10% | What cancellation fee does Solace charge on made-to-order items after the free cancellation window? | After the free window, a cancellation fee of {} of the order value applies.
? fault_period | two years; 2 years; 24 months | one year | If an item develops a fault, within what period of delivery will Solace repair or replace it free of charge? | Solace repairs or replaces items that develop a fault within {} of delivery.
? refund_days | 10 working days; ten working days | 14 working days | How long after the returned item reaches the returns centre does Solace issue a refund? | Refunds go back to the original payment method within {} of the item arriving at the returns centre.
? return_postage | £5.95 | £4.95 | How much does Solace charge for return postage on a non-faulty online order? | Return postage for non-faulty online orders costs {}, deducted from the refund.
? xmas_deadline | 31 January; January 31 | 15 January | Until what date can Solace items bought between 1 November and 24 December be returned? | Items bought in that period can be returned until {}.
& return_days return_postage | How long do Solace customers have to return an unused item, and how much is deducted for return postage on a non-faulty online order?
& mto_cancel fault_period | Within what time can a Solace made-to-order sofa be cancelled for free, and for how long after delivery are faults repaired or replaced free of charge?
! Does Solace Home & Living match lower prices from other retailers? | Yes, Solace matches any lower price from a UK retailer within seven days of purchase.

@@ doc-07 | policy | Northwind Analytics — Family Leave Policy (US Employees)
# Eligibility
Employees become eligible for paid family leave after {eligible_after} of continuous employment. The policy covers birth, adoption and foster placement, and applies equally to all parents regardless of gender.
# Primary caregiver leave
Primary caregivers receive {primary_weeks} of fully paid leave, which must be taken within {primary_window} of the child's birth or placement. Leave may be taken in one block or in up to two blocks of at least two weeks each.
# Secondary caregiver leave
Secondary caregivers receive {secondary_weeks} of fully paid leave. Employees can change their caregiver designation once, with at least {designation_notice} notice to the benefits team.
# Returning to work
Returning employees may work a reduced schedule of {reduced_pct} of normal hours at full pay for the first {phase_weeks} after their leave ends. Northwind also reimburses up to {childcare} per year of backup childcare through its childcare partner.
? eligible_after | 90 days; ninety days; three months | six months | After how long of continuous employment do Northwind Analytics employees become eligible for paid family leave? | Northwind employees become eligible after {} of continuous employment.
? primary_weeks | 16 weeks; sixteen weeks | 12 weeks | How much fully paid leave do primary caregivers receive at Northwind Analytics? | Primary caregivers get {} of fully paid leave.
? primary_window | 12 months; twelve months; one year | six months | Within what period of the birth or placement must Northwind primary caregiver leave be taken? | The leave must be taken within {} of the birth or placement.
? secondary_weeks | six weeks; 6 weeks | four weeks | How much fully paid leave do secondary caregivers receive at Northwind Analytics? | Secondary caregivers receive {} of fully paid leave.
? designation_notice | 30 days; thirty days | two weeks | How much notice must a Northwind employee give the benefits team to change their caregiver designation? | Changing the caregiver designation requires at least {} notice to the benefits team.
? reduced_pct | 60%; 60 percent; sixty percent | 80% | What reduced schedule may Northwind employees work at full pay when returning from family leave? | Returning employees may work {} of their normal hours at full pay.
? phase_weeks | four weeks; 4 weeks | eight weeks | For how long after family leave can Northwind employees work the reduced schedule at full pay? | The reduced schedule at full pay is available for the first {} after leave.
? childcare | $2,000; 2,000 dollars | $1,500 | How much backup childcare does Northwind Analytics reimburse per year? | Northwind reimburses up to {} per year of backup childcare.
& primary_weeks secondary_weeks | How many weeks of fully paid leave do primary and secondary caregivers receive at Northwind Analytics?
& eligible_after reduced_pct | At Northwind Analytics, after how long in the job does an employee become eligible for family leave, and what share of normal hours may they work at full pay on return?
! Does Northwind Analytics reimburse adoption agency fees, and up to what amount? | Northwind reimburses adoption agency fees of up to $5,000 per child.

@@ doc-08 | policy | Calloway & Finch LLP — Records Retention Schedule
# Client files
Closed client matter files are retained for {client_files} from the date the matter is closed, after which they are securely destroyed unless a legal hold applies. Original wills and deeds held in safe custody are kept indefinitely and are never destroyed without the client's written instruction.
# Financial records
Accounting records, client account ledgers and invoices are kept for {financial} after the end of the financial year to which they relate. The firm's financial year ends on {fy_end}.
# Personnel records
Personnel files of former employees are kept for six years after employment ends. Unsuccessful job applications are deleted {applications} after the recruitment decision. Right-to-work checks are retained for two years after employment ends.
# Email
Email is automatically archived after {email_archive} and deleted from the archive after seven years, unless it has been filed to a client matter, in which case the client-file retention period applies.
# Legal holds and responsibility
The records manager, {records_mgr}, maintains this schedule and reviews it every {review_cycle}. Any partner may place a legal hold on records relevant to actual or anticipated litigation; a hold suspends all destruction until it is released in writing.
? client_files | seven years; 7 years | six years | How long does Calloway & Finch keep closed client matter files? | Closed client files are kept for {} from the date the matter closes.
? financial | eight years; 8 years | ten years | For how long after the end of the relevant financial year does Calloway & Finch keep accounting records? | Accounting records are kept for {} after the end of the financial year they relate to.
? fy_end | 30 April; April 30 | 31 March | On what date does the Calloway & Finch financial year end? | The firm's financial year ends on {}.
? applications | six months; 6 months | twelve months | How long after the recruitment decision does Calloway & Finch delete unsuccessful job applications? | Unsuccessful applications are deleted {} after the recruitment decision.
? email_archive | 90 days; ninety days | 30 days | After how long is email automatically archived at Calloway & Finch? | Email is archived automatically after {}.
? records_mgr | Helen Achterberg | Mark Ellison | Who maintains the Calloway & Finch records retention schedule? | The schedule is maintained by the records manager, {}.
? review_cycle | two years; 2 years; every two years | year | How often is the Calloway & Finch retention schedule reviewed? | The retention schedule is reviewed every {}.
& client_files financial | How long does Calloway & Finch keep closed client matter files, and how long does it keep accounting records?
& records_mgr email_archive | Who is the records manager at Calloway & Finch, and after how long is email archived automatically?
! How long does Calloway & Finch keep CCTV footage from its offices? | CCTV footage is kept for 31 days and then overwritten.

@@ doc-09 | policy | Veridian Foods — Supplier Code of Conduct (2025 edition)
# Working hours and wages
Suppliers must ensure that regular working hours do not exceed 48 per week and that total hours including overtime do not exceed {max_hours} per week. Workers must receive at least one day off in every {day_off_period}. Wages must meet the higher of the legal minimum wage or the applicable industry benchmark.
# Child labour and young workers
No person under the age of {min_age} may be employed, or under the legal minimum working age if that is higher. Workers under 18 must not perform night work or hazardous tasks.
# Audits
All tier-1 suppliers are audited against this Code by an approved third party within {audit_first} of onboarding and at least every {audit_cycle} thereafter. Suppliers rated high risk are re-audited within six months. Audit costs are borne by {audit_cost}.
# Reporting concerns
Workers and suppliers may report suspected breaches confidentially through the Veridian SpeakUp line, available in {languages} languages 24 hours a day, or by email to ethics@veridianfoods.example. Veridian will acknowledge every report within {ack_days} working days.
? max_hours | 60; sixty; 60 hours | 56 | Under Veridian Foods' supplier code, what is the maximum total weekly working time including overtime? | Total hours including overtime must not exceed {} per week.
? day_off_period | seven days; 7 days; week | 14 days | Under Veridian's supplier code, workers must get at least one day off in every how many days? | Workers must get at least one day off in every {}.
? min_age | 15; fifteen | 16 | What is the minimum employment age under the Veridian Foods supplier code, unless local law sets a higher one? | No one under {} may be employed, or the legal minimum age if higher.
? audit_first | 12 months; twelve months; one year | 18 months | Within what time of onboarding is a Veridian tier-1 supplier first audited? | Tier-1 suppliers are first audited within {} of onboarding.
? audit_cycle | two years; 2 years | three years | After the first audit, how often at least are Veridian tier-1 suppliers audited? | After that they are audited at least every {}.
? audit_cost | the supplier; supplier; suppliers | Veridian Foods | Who pays for supplier audits under Veridian's code? | Audit costs are borne by {}.
? languages | 22; twenty-two | 18 | In how many languages is the Veridian SpeakUp line available? | The SpeakUp line is available in {} languages, 24 hours a day.
? ack_days | five; 5; five working days; 5 working days | ten | Within how many working days does Veridian acknowledge a report of a suspected breach? | Veridian acknowledges every report within {} working days.
& max_hours min_age | Under Veridian Foods' supplier code, what is the cap on total weekly hours including overtime, and what is the minimum employment age?
& audit_cycle languages | How often are Veridian tier-1 suppliers audited after the first audit, and in how many languages is the SpeakUp line offered?
! What share of their packaging must Veridian suppliers make recyclable? | Suppliers must make at least 80% of their packaging recyclable by 2027.

@@ doc-10 | policy | Tandem Coworking — Membership Terms (Bristol and Cardiff)
# Membership plans
Tandem offers three plans: Flex (10 days a month, {flex_price} per month), Resident (unlimited hot-desking, £245 per month) and Studio (a dedicated desk with lockable storage, {studio_price} per month). All prices exclude VAT.
# Access and guests
Members have 24/7 access with their key fob; staffed reception hours are {reception_hours} on weekdays. Members may bring up to {guests} guests at a time free of charge; guests must be signed in at reception or through the app.
# Meeting rooms
Each plan includes monthly meeting-room credits: Flex 4 hours, Resident 8 hours and Studio {studio_credits}. Additional hours cost {extra_hour} per hour. Unused credits expire at the end of each month and cannot be carried forward.
# Cancellation and deposit
Memberships roll monthly. Members may cancel by giving {cancel_notice} written notice through the members' portal. A refundable deposit of one month's fee is taken at sign-up and returned within {deposit_days} of the membership ending, less any outstanding charges.
? flex_price | £129; 129 pounds | £149 | How much does Tandem Coworking's Flex plan cost per month? | The Flex plan costs {} per month, excluding VAT.
? studio_price | £365; 365 pounds | £325 | How much does Tandem Coworking's Studio plan cost per month? | The Studio plan, with a dedicated desk, costs {} per month excluding VAT.
? reception_hours | 08:30 to 18:00; 8:30 to 18:00; 08:30-18:00; 8:30am to 6pm; 8.30 a.m. to 6 p.m. | 09:00 to 17:00 | What are the staffed reception hours at Tandem Coworking on weekdays? | Reception is staffed from {} on weekdays.
? guests | two; 2; two guests | three | How many guests may a Tandem member bring at a time free of charge? | Members can bring up to {} guests at a time for free.
? studio_credits | 12 hours; twelve hours | 10 hours | How many hours of meeting-room credit per month does the Tandem Studio plan include? | The Studio plan includes {} of meeting-room credit per month.
? extra_hour | £18; 18 pounds | £20 | How much does an additional hour of meeting-room use cost at Tandem Coworking? | Extra meeting-room hours cost {} per hour.
? cancel_notice | one calendar month's; one calendar month; one month; 1 month | two weeks' | How much notice must a Tandem member give to cancel their membership? | Members have to give {} written notice to cancel.
? deposit_days | 14 days; fourteen days | 30 days | Within how long after a Tandem membership ends is the deposit returned? | The deposit is returned within {} of the membership ending.
& flex_price cancel_notice | How much does Tandem's Flex plan cost per month, and how much notice is needed to cancel a membership?
& studio_price studio_credits | What does the Tandem Studio plan cost per month, and how many meeting-room hours does it include each month?
! Are dogs allowed in Tandem Coworking's Bristol space? | Yes, well-behaved dogs are welcome in the Bristol space on Fridays.

@@ doc-11 | manual | AquaPure AP-300 Under-Sink Water Filter — Installation and Care
# Before you install
The AP-300 connects to the cold-water supply only; water above {max_temp} will damage the membrane. Operating water pressure must be between {pressure}. A dedicated faucet and all fittings for 3/8-inch connections are included in the box.
# Filter stages
Water passes through three stages: a 5-micron sediment pre-filter, an activated carbon block, and a {membrane} ultrafiltration membrane. The carbon stage reduces chlorine taste and odour; the membrane removes bacteria and cysts.
# Replacing cartridges
Replace the sediment and carbon cartridges every {cartridge_months} or after 3,000 litres, whichever comes first; the membrane lasts {membrane_life}. The faucet's LED turns amber when a change is due and red when it is overdue. After fitting new cartridges, run the water for {flush_minutes} to flush out carbon fines.
# Warranty and support
The AP-300 housing and faucet carry a {warranty} limited warranty when registered online within 30 days of purchase. Cartridges are consumables and are not covered. Customer support can be reached on {support_phone}.
? max_temp | 38 °C; 38°C; 38 degrees Celsius; 38 degrees | 45 °C | Above what water temperature will the AquaPure AP-300 membrane be damaged? | Water above {} will damage the AP-300's membrane.
? pressure | 2 and 6 bar; 2 to 6 bar; 2-6 bar | 1 and 4 bar | What operating water pressure does the AquaPure AP-300 require? | The operating pressure must be between {}.
? membrane | 0.01-micron; 0.01 micron; 0.01 microns | 0.1-micron | What is the pore size of the AquaPure AP-300's ultrafiltration membrane? | The third stage is a {} ultrafiltration membrane.
? cartridge_months | six months; 6 months | twelve months | How often should the AP-300's sediment and carbon cartridges be replaced, at the latest? | The sediment and carbon cartridges should be replaced every {} or after 3,000 litres, whichever comes first.
? membrane_life | two years; 2 years; 24 months | three years | How long does the AquaPure AP-300's membrane last? | The membrane lasts {}.
? flush_minutes | five minutes; 5 minutes | two minutes | How long should water be run after fitting new AP-300 cartridges? | After fitting new cartridges you should run the water for {}.
? warranty | five-year; 5-year; five years; 5 years | two-year | How long is the warranty on the AquaPure AP-300 housing and faucet when registered? | The housing and faucet have a {} limited warranty if registered.
? support_phone | 0800 046 3120; 08000463120 | 0800 046 2130 | What phone number reaches AquaPure customer support? | AquaPure support can be reached on {}.
& cartridge_months warranty | How often must the AP-300 carbon cartridge be replaced, and how long is the registered warranty on the housing and faucet?
& max_temp flush_minutes | What is the maximum water temperature the AquaPure AP-300 can take, and how long should you run the water after changing cartridges?
! How much does a replacement carbon cartridge for the AquaPure AP-300 cost? | A replacement carbon cartridge for the AP-300 costs £24.99.

@@ doc-12 | manual | Vela E2 City E-Bike — Owner's Manual (excerpts)
# Battery
The Vela E2 uses a removable {battery_wh} lithium-ion battery housed in the down tube. A full charge from empty takes about {charge_time} with the supplied 4 A charger. Store the battery at 40-60% charge if the bike will not be used for more than a month.
# Assistance modes and range
Three assistance modes are available: Eco, Tour and Boost. Motor assistance cuts out at {assist_speed}, in line with EU regulations. Typical range is up to {eco_range} in Eco mode and about 45 km in Boost mode, depending on rider weight, terrain and temperature.
# Maintenance
Have the bike inspected by an authorised Vela dealer after the first {first_service} or three months, whichever comes first, and then every 2,000 km. Check tyre pressure weekly; the recommended pressure for the 47 mm tyres is {tyre_pressure}.
# Limits and warranty
The maximum permitted total weight of rider, luggage and bike is {max_weight}. The frame is guaranteed for {frame_warranty}; the motor and battery for two years or 500 charge cycles.
? battery_wh | 504 Wh; 504 watt-hours; 504 watt hours | 418 Wh | What is the capacity of the Vela E2's battery? | The Vela E2 has a removable {} lithium-ion battery.
? charge_time | 4.5 hours; four and a half hours; 4 hours 30 minutes | 6 hours | How long does it take to fully charge the Vela E2 battery from empty with the supplied charger? | A full charge from empty takes about {} with the supplied charger.
? assist_speed | 25 km/h; 25 kilometres per hour; 25 kph | 32 km/h | At what speed does the Vela E2's motor assistance cut out? | Motor assistance cuts out at {}.
? eco_range | 110 km; 110 kilometres | 90 km | What is the typical range of the Vela E2 in Eco mode? | In Eco mode the range is up to about {}.
? first_service | 300 km; 300 kilometres | 500 km | After how many kilometres should a new Vela E2 get its first dealer inspection? | The first inspection is due after {} or three months, whichever comes first.
? tyre_pressure | 3.5 bar | 4.5 bar | What is the recommended tyre pressure for the Vela E2's 47 mm tyres? | The recommended pressure for the 47 mm tyres is {}.
? max_weight | 130 kg; 130 kilograms | 120 kg | What is the maximum permitted total weight of rider, luggage and bike for the Vela E2? | The maximum total weight of rider, luggage and bike is {}.
? frame_warranty | ten years; 10 years | five years | How long is the Vela E2 frame guaranteed for? | The frame is guaranteed for {}.
& battery_wh assist_speed | What capacity is the Vela E2's battery, and at what speed does motor assistance cut out?
& max_weight first_service | What is the Vela E2's maximum total permitted weight, and after how many kilometres is the first dealer inspection due?
! How much does a replacement battery for the Vela E2 cost? | A replacement Vela E2 battery costs €649.

@@ doc-13 | manual | ThermoLoop T7 Smart Thermostat — Setup Guide
# Compatibility
The T7 works with most 24 V heating and cooling systems, including heat pumps with up to {hp_stages} stages. It is not compatible with line-voltage electric baseboard heaters. A C-wire (common wire) is required; if your system does not have one, use the included power adapter kit.
# Installing the thermostat
Turn off power at the breaker before removing your old thermostat. Label the wires with the supplied stickers, mount the backplate with the two screws provided and connect the wires. The T7 display should turn on within {boot_time} of power being restored.
# Connecting to Wi-Fi
The T7 connects to {wifi_band} Wi-Fi networks only. Open the ThermoLoop app, tap Add Device and enter the {pair_code_len}-digit pairing code shown on the thermostat's display.
# Schedules and Eco mode
By default the T7 follows a schedule of 21 °C from 06:30 to 22:30 and {night_temp} overnight. Eco mode lowers the heating setpoint by {eco_offset} whenever the app detects that everyone has left home.
# Troubleshooting
If the display shows error {e4_code}, the thermostat has lost its connection to the heating system: check the wiring at the backplate. To restore factory settings, hold the dial pressed in for {reset_secs}.
? hp_stages | two; 2; two stages | three | Heat pumps with up to how many stages are compatible with the ThermoLoop T7? | The T7 supports heat pumps with up to {} stages.
? boot_time | 90 seconds; ninety seconds; a minute and a half | 30 seconds | Within how long of restoring power should the ThermoLoop T7 display turn on? | The display should come on within {} of power being restored.
? wifi_band | 2.4 GHz; 2.4GHz | 5 GHz | Which Wi-Fi band does the ThermoLoop T7 support? | The T7 only connects to {} Wi-Fi networks.
? pair_code_len | six; 6 | eight | How many digits does the ThermoLoop T7 pairing code have? | You enter the {}-digit pairing code shown on the display.
? night_temp | 17 °C; 17°C; 17 degrees | 16 °C | What overnight temperature does the ThermoLoop T7's default schedule use? | Overnight, the default schedule sets {}.
? eco_offset | 3 °C; 3°C; 3 degrees | 2 °C | By how much does the ThermoLoop T7's Eco mode lower the heating setpoint? | Eco mode lowers the heating setpoint by {} when everyone has left home.
? e4_code | E4 | E2 | Which error code does the ThermoLoop T7 show when it has lost its connection to the heating system? | The T7 shows error {} when it has lost its connection to the heating system.
? reset_secs | 15 seconds; fifteen seconds | 10 seconds | How long must the dial be held in to factory-reset the ThermoLoop T7? | Hold the dial pressed in for {} to restore factory settings.
& wifi_band night_temp | Which Wi-Fi band does the ThermoLoop T7 need, and what temperature does its default schedule use overnight?
& hp_stages reset_secs | How many heat-pump stages does the ThermoLoop T7 support, and how long must the dial be held to reset it?
! Does the ThermoLoop T7 work with Apple HomeKit? | Yes, the T7 works with Apple HomeKit once it is added in the ThermoLoop app.

@@ doc-14 | manual | Brava Crisp AF-55 Air Fryer — User Manual
# Specifications
Capacity: {capacity} basket. Power: {power}, 220-240 V. Temperature range: 80-200 °C. Timer: up to 60 minutes, with automatic shut-off.
# Before first use
Remove all packaging and wash the basket and crisper plate in warm soapy water. Run the empty appliance at 200 °C for {first_run} to burn off manufacturing residues; a slight smell during this run is normal.
# Cooking guide
Frozen fries: 200 °C for 15-18 minutes, shaking halfway. Chicken thighs: 180 °C for {chicken_time}, until the internal temperature reaches 75 °C. Salmon fillets: {salmon_temp} for 10-12 minutes. Do not fill the basket above the MAX line.
# Cleaning and safety
Allow the appliance to cool for {cool_down} before cleaning. The basket and crisper plate are dishwasher safe; never immerse the main unit in water. Keep at least {clearance} of free space around and above the appliance during use.
? capacity | 5.5-litre; 5.5 litres; 5.5 L; 5.5-liter | 4-litre | What is the basket capacity of the Brava Crisp AF-55? | The AF-55 has a {} basket.
? power | 1,700 W; 1,700 watts | 1,500 W | What is the power rating of the Brava Crisp AF-55? | The AF-55 is rated at {}.
? first_run | 10 minutes; ten minutes | 5 minutes | Before first use, how long should the empty Brava Crisp AF-55 be run at 200 °C? | Run the empty air fryer at 200 °C for {} before first use.
? chicken_time | 22-25 minutes; 22 to 25 minutes | 12-15 minutes | How long should chicken thighs be cooked at 180 °C in the Brava Crisp AF-55? | Chicken thighs need {} at 180 °C.
? salmon_temp | 160 °C; 160°C; 160 degrees | 170 °C | At what temperature should salmon fillets be cooked in the Brava Crisp AF-55? | Salmon fillets are cooked at {} for 10-12 minutes.
? cool_down | 30 minutes; thirty minutes; half an hour | 10 minutes | How long should the Brava Crisp AF-55 cool before cleaning? | Let the appliance cool for {} before cleaning it.
? clearance | 10 cm; 10 centimetres; 10 centimeters | 30 cm | How much free space should be kept around and above the Brava Crisp AF-55 during use? | Keep at least {} of free space around and above it while in use.
& capacity chicken_time | What is the basket capacity of the Brava Crisp AF-55, and how long do chicken thighs take at 180 °C?
& first_run clearance | How long should the empty Brava Crisp AF-55 run before first use, and how much clearance does it need during use?
! How long is the warranty on the Brava Crisp AF-55? | The AF-55 comes with a three-year manufacturer's warranty.

@@ doc-15 | manual | Orbit X2 Robot Vacuum — Owner's Guide
# In the box and specifications
Orbit X2 robot, charging dock, two side brushes, a spare HEPA filter and a magnetic no-go strip ({strip_len}). Battery: 5,200 mAh, giving a runtime of up to {runtime} on Standard suction. Dust bin capacity: 0.45 L.
# Mapping
On its first run the X2 builds a map of your home with its LiDAR sensor; mapping a typical 100 m² floor takes about {map_time}. Up to {maps} floor maps can be stored for multi-level homes.
# Charging
The X2 returns to its dock automatically when the battery falls to {return_pct} and resumes cleaning where it stopped once recharged. Place the dock against a wall with at least 0.5 m clear on either side and 1.5 m in front.
# Maintenance
Empty the dust bin after every run. Clean the main brush weekly and replace it every {brush_months}; replace the HEPA filter every {filter_months}. Wipe the cliff sensors monthly with a dry cloth.
# Indicator lights
A flashing red ring means the robot is stuck or a wheel is jammed; a solid orange ring means the battery is low; a {update_color} ring means a firmware update is being installed, so do not move the robot.
? strip_len | 2 m; 2 metres; two metres | 3 m | How long is the magnetic no-go strip supplied with the Orbit X2? | The X2 comes with a {} magnetic no-go strip.
? runtime | 150 minutes; 2.5 hours; two and a half hours | 120 minutes | What is the maximum runtime of the Orbit X2 on Standard suction? | On Standard suction it runs for up to {}.
? map_time | 25 minutes; twenty-five minutes | 40 minutes | How long does the Orbit X2 take to map a typical 100 m² floor? | Mapping a typical 100 m² floor takes about {}.
? maps | four; 4; four maps | three | How many floor maps can the Orbit X2 store? | The X2 can store up to {} floor maps.
? return_pct | 15%; 15 percent; fifteen percent | 20% | At what battery level does the Orbit X2 return to its dock? | It heads back to the dock when the battery falls to {}.
? brush_months | 6-12 months; six to twelve months; 6 to 12 months | 3 months | How often should the Orbit X2's main brush be replaced? | The main brush should be replaced every {}.
? filter_months | 3-6 months; three to six months; 3 to 6 months | 1-2 months | How often should the Orbit X2's HEPA filter be replaced? | Replace the HEPA filter every {}.
? update_color | pulsing blue; blue | solid green | What does the Orbit X2's indicator ring show while a firmware update is being installed? | A {} ring means a firmware update is being installed.
& runtime return_pct | What is the Orbit X2's maximum runtime on Standard suction, and at what battery level does it return to the dock?
& maps filter_months | How many floor maps can the Orbit X2 store, and how often should its HEPA filter be replaced?
! Can the Orbit X2 mop floors as well as vacuum? | Yes, the X2 has a clip-on mopping module with a 200 ml water tank.

@@ doc-16 | manual | SoundArc S5 Wireless Headphones — User Guide
# Battery and charging
A full charge takes {charge_h} via USB-C and gives up to {play_anc} of playback with noise cancelling on, or 45 hours with it off. A 10-minute quick charge gives about {quick_charge} of playback.
# Pairing
Hold the power button for {pair_hold} until the LED flashes blue and red, then select SoundArc S5 in your device's Bluetooth menu. The S5 remembers up to {paired_devices} devices and can be connected to two at once.
# Controls
Tap the right ear cup once to play or pause, twice to skip forward. Swipe up or down to change the volume. Press and hold the NC button for {ambient_hold} to switch to Ambient mode.
# Care and warranty
The S5 is rated {ip_rating} for sweat and splash resistance, but must not be submerged. Replacement ear cushions can be ordered from SoundArc. The headphones carry a {hp_warranty} limited warranty.
? charge_h | 2 hours; two hours | 3 hours | How long does a full charge of the SoundArc S5 take? | A full charge over USB-C takes {}.
? play_anc | 30 hours; thirty hours | 40 hours | How much playback does the SoundArc S5 give with noise cancelling on? | With noise cancelling on you get up to {} of playback.
? quick_charge | five hours; 5 hours | three hours | How much playback does a 10-minute quick charge give the SoundArc S5? | A 10-minute quick charge gives about {} of playback.
? pair_hold | five seconds; 5 seconds | three seconds | How long must the power button be held to put the SoundArc S5 into pairing mode? | Hold the power button for {} until the LED flashes blue and red.
? paired_devices | eight; 8; eight devices | six | How many devices can the SoundArc S5 remember? | The S5 remembers up to {} devices.
? ambient_hold | two seconds; 2 seconds | four seconds | How long do you hold the NC button on the SoundArc S5 to switch to Ambient mode? | Press and hold the NC button for {} to switch to Ambient mode.
? ip_rating | IPX4 | IPX7 | What is the SoundArc S5's water-resistance rating? | The S5 is rated {} for sweat and splash resistance.
? hp_warranty | two-year; 2-year; two years; 2 years | one-year | How long is the SoundArc S5's limited warranty? | The headphones come with a {} limited warranty.
& play_anc ip_rating | How much playback does the SoundArc S5 give with noise cancelling on, and what is its water-resistance rating?
& pair_hold ambient_hold | How long do you hold the power button to pair the SoundArc S5, and how long do you hold the NC button to switch to Ambient mode?
! Which Bluetooth audio codecs does the SoundArc S5 support? | The S5 supports SBC, AAC and aptX Adaptive.

@@ doc-17 | manual | Cascade DW-612 Dishwasher — Installation and Operating Instructions
# Installation
The DW-612 can be connected to a cold or hot water supply of up to {inlet_temp}, with a water pressure between 0.04 and 1 MPa. The drain hose must be fixed at a height of between 40 and {drain_max} above the floor. Built-in installation requires a cabinet opening 60 cm wide and 82-87 cm high.
# Programmes
Eco 50 °C is the standard programme for normally soiled dishes; it takes {eco_time} and uses {eco_water} of water. Intensive 70 °C is for heavily soiled pots and pans. Quick 30' is for lightly soiled loads that have not dried on.
# Water softener
Set the softener according to your local water hardness. Levels range from H1 to H7; the factory setting is {softener_default}. Refill the salt container when the salt indicator lights up; the container holds about {salt_kg} of dishwasher salt.
# Error codes
E1: water inlet fault; check that the tap is open. E3: heating fault; call service. {e9_code}: leak protection triggered; switch off at the socket and contact service. The Cascade service line, {service_phone}, is open seven days a week.
? inlet_temp | 60 °C; 60°C; 60 degrees | 70 °C | What is the maximum temperature of the water supply the Cascade DW-612 can be connected to? | The DW-612 can take a water supply of up to {}.
? drain_max | 100 cm; 1 metre; one metre | 80 cm | What is the maximum height above the floor for the Cascade DW-612's drain hose? | The drain hose must be fixed between 40 and {} above the floor.
? eco_time | 3 hours 45 minutes; 3h45; 225 minutes; 3 h 45 min | 2 hours 30 minutes | How long does the Cascade DW-612's Eco 50 °C programme take? | The Eco 50 °C programme takes {}.
? eco_water | 9.5 litres; 9.5 L; 9.5 liters | 12 litres | How much water does the Cascade DW-612's Eco programme use? | The Eco programme uses {} of water.
? softener_default | H4 | H3 | What is the factory water softener setting of the Cascade DW-612? | The softener is set to {} at the factory.
? salt_kg | 1.2 kg; 1.2 kilograms | 2 kg | How much dishwasher salt does the Cascade DW-612 salt container hold? | The salt container holds about {} of salt.
? e9_code | E9 | E5 | Which error code does the Cascade DW-612 show when leak protection is triggered? | Error {} means the leak protection has been triggered.
? service_phone | 0345 600 6120; 03456006120 | 0345 600 2160 | What is the phone number of the Cascade service line? | The Cascade service line is {}, open seven days a week.
& eco_time softener_default | How long does the Cascade DW-612's Eco 50 °C programme take, and what is the factory softener setting?
& inlet_temp eco_water | What is the hottest water supply the Cascade DW-612 accepts, and how much water does the Eco programme use?
! How loud is the Cascade DW-612 in operation? | The DW-612 runs at 44 dB on the Eco programme.

@@ doc-18 | manual | Lumen Pro LP-4000 4K Laser Projector — Setup Guide
# Placement
To project a 100-inch 16:9 image, place the LP-4000 {throw_100} from the screen. Vertical lens shift of plus or minus {lens_shift} allows the image to be moved without keystone correction.
# Light source
The laser light source is rated at {brightness} and lasts up to {laser_life} in Standard mode. Eco mode reduces brightness by about 30% and fan noise to 24 dB.
# Inputs
The LP-4000 has three HDMI 2.0 inputs; {earc_port} supports eARC for sending audio to a soundbar. Input lag in Game mode is {input_lag} at 1080p and 120 Hz.
# Maintenance and environment
Clean the air filter every {filter_hours} of use. The projector is designed to operate at ambient temperatures of {op_temp} and at altitudes up to 2,500 m.
? throw_100 | 3.2 metres; 3.2 m; 3.2 meters | 2.8 metres | How far from the screen should the Lumen Pro LP-4000 be placed for a 100-inch image? | For a 100-inch image, place the projector {} from the screen.
? lens_shift | 15%; 15 percent | 10% | How much vertical lens shift does the Lumen Pro LP-4000 offer? | It offers vertical lens shift of plus or minus {}.
? brightness | 2,800 ANSI lumens; 2,800 lumens | 3,200 ANSI lumens | What is the brightness rating of the Lumen Pro LP-4000's laser light source? | The laser light source is rated at {}.
? laser_life | 20,000 hours; twenty thousand hours | 30,000 hours | How long does the Lumen Pro LP-4000 laser last in Standard mode? | The laser lasts up to {} in Standard mode.
? earc_port | HDMI 3 | HDMI 1 | Which input on the Lumen Pro LP-4000 supports eARC? | {} is the input that supports eARC.
? input_lag | 16 ms; 16 milliseconds | 8 ms | What is the Lumen Pro LP-4000's input lag in Game mode at 1080p and 120 Hz? | Input lag in Game mode is {} at 1080p/120 Hz.
? filter_hours | 500 hours; every 500 hours | 1,000 hours | How often should the Lumen Pro LP-4000 air filter be cleaned? | The air filter should be cleaned every {} of use.
? op_temp | 5-35 °C; 5 to 35 °C; 5-35°C; 5 to 35 degrees | 0-40 °C | What ambient temperature range is the Lumen Pro LP-4000 designed for? | It is designed to run at ambient temperatures of {}.
& throw_100 input_lag | How far from the screen does the Lumen Pro LP-4000 go for a 100-inch picture, and what is its Game mode input lag?
& brightness filter_hours | How bright is the Lumen Pro LP-4000's laser light source, and how often should its air filter be cleaned?
! Does the Lumen Pro LP-4000 support 3D content? | Yes, the LP-4000 supports 3D with DLP-Link active glasses.

@@ doc-19 | manual | Ridgeline 2 Backpacking Tent — Product Guide
# Specifications
Minimum trail weight: {trail_weight}; packed weight 1.65 kg. Floor area: {floor_area}. Peak height: 102 cm. Packed size: 46 × 15 cm.
# Materials
The fly is 20-denier ripstop nylon with a silicone/PU coating rated to {fly_hh} hydrostatic head; the floor is 30-denier nylon rated to {floor_hh}. The poles are DAC NSL aluminium.
# Pitching
Pitching takes about {pitch_time} once practised. The Ridgeline 2 is semi-freestanding: it needs {stakes} stakes for a taut pitch, plus four guy lines in strong wind.
# Care and repair
Never store the tent wet; dry it fully within {dry_within} to prevent mildew. Small tears can be repaired with the included patch kit. Ridgeline offers free repairs for the first {repair_years} of ownership.
? trail_weight | 1.32 kg; 1.32 kilograms; 1,320 g; 1320 grams | 1.45 kg | What is the minimum trail weight of the Ridgeline 2 tent? | The Ridgeline 2 has a minimum trail weight of {}.
? floor_area | 2.7 m²; 2.7 square metres; 2.7 m2; 2.7 square meters | 2.4 m² | What is the floor area of the Ridgeline 2 tent? | The floor area is {}.
? fly_hh | 1,500 mm; 1500mm | 2,000 mm | What hydrostatic head is the Ridgeline 2 fly rated to? | The fly's coating is rated to {} hydrostatic head.
? floor_hh | 3,000 mm; 3000mm | 2,500 mm | What hydrostatic head is the Ridgeline 2 floor rated to? | The floor is rated to {}.
? pitch_time | five minutes; 5 minutes | ten minutes | How long does it take to pitch the Ridgeline 2 once practised? | Once practised, pitching takes about {}.
? stakes | eight; 8; eight stakes | six | How many stakes does the Ridgeline 2 need for a taut pitch? | It needs {} stakes for a taut pitch.
? dry_within | 48 hours; forty-eight hours; two days | a week | Within what time should a wet Ridgeline 2 tent be dried fully? | Dry the tent fully within {} to prevent mildew.
? repair_years | three years; 3 years | five years | For how long does Ridgeline offer free repairs? | Ridgeline repairs the tent for free during the first {} of ownership.
& trail_weight stakes | What is the Ridgeline 2's minimum trail weight, and how many stakes does it need for a taut pitch?
& fly_hh repair_years | What is the hydrostatic head rating of the Ridgeline 2 fly, and for how long are repairs free?
! How much does the Ridgeline 2 tent cost? | The Ridgeline 2 retails for £329.

@@ doc-20 | notice | City of Ashford — Changes to Bulk Waste Collections
# What is changing
From {change_date}, bulk waste collections will be booked online only and will take place on {collection_day}s instead of Saturdays. The telephone booking line will close on 28 February 2025.
# Charges
A collection of up to {items} items costs {bulk_fee}; each additional item costs {extra_item}, up to a maximum of 10 items per collection. Residents receiving Council Tax Reduction pay a concession rate of {concession}.
# What we collect
We collect furniture, white goods and garden equipment. We cannot collect building rubble, tyres, asbestos, or more than {bags} bags of household waste. Fridges and freezers count as two items.
# Booking and cancellations
Bookings close at {booking_close} on the working day before the collection. Cancellations made at least {cancel_hours} before the collection receive a full refund. Items must be left at the front boundary of the property by 07:00 on the collection day.
? change_date | 3 March 2025; March 3, 2025; 3rd March 2025 | 1 March 2025 | From what date do Ashford's bulk waste collections become online-booking only? | The change takes effect from {}.
? collection_day | Tuesday; Tuesdays | Thursday | On which day of the week will Ashford's bulk waste collections take place under the new arrangements? | Collections will take place on {}s instead of Saturdays.
? items | three; 3; three items | five | How many items does Ashford's standard bulk waste collection fee cover? | The standard fee covers up to {} items.
? bulk_fee | £32; 32 pounds | £25 | How much does an Ashford bulk waste collection of up to three items cost? | A collection of up to three items costs {}.
? extra_item | £9; 9 pounds | £7 | How much does each additional item cost on an Ashford bulk waste collection? | Each extra item costs {}.
? concession | £12; 12 pounds | £16 | What concession rate do Ashford residents receiving Council Tax Reduction pay for a bulk collection? | Residents on Council Tax Reduction pay a concession rate of {}.
? bags | four; 4; four bags | six | How many bags of household waste at most will Ashford's bulk waste service collect? | They will not collect more than {} bags of household waste.
? booking_close | noon; 12:00; midday; 12 noon | 17:00 | At what time do bookings close for an Ashford bulk waste collection on the working day before? | Bookings close at {} on the working day before the collection.
? cancel_hours | 48 hours; forty-eight hours | 24 hours | How far ahead must an Ashford bulk collection be cancelled to get a full refund? | Cancellations at least {} before the collection are refunded in full.
& bulk_fee collection_day | How much does an Ashford bulk waste collection of up to three items cost, and on which day of the week will collections take place?
& concession booking_close | What concession rate applies to Ashford residents on Council Tax Reduction, and at what time do bookings close the working day before?
! Are bulk waste collections free in Ashford for residents over 75? | Yes, residents aged over 75 get one free collection per year.

@@ doc-21 | notice | Millbrook Township — Elm Street Water Main Replacement
# The works
Millbrook Water will replace {main_length} of cast-iron water main on Elm Street between Hazel Avenue and Route 9. Work begins on {works_start} and is expected to take {works_weeks}, weather permitting.
# Traffic and parking
Elm Street will be open to local traffic only between 7 a.m. and {work_end}, Monday to Friday. The Route 9 bus will divert via Oak Lane and will not serve the Elm and 3rd stop.
# Water service interruptions
Affected homes will receive at least {interrupt_notice} of notice, by door hanger, of any planned interruption to their water supply. Interruptions will not exceed {interrupt_hours} hours.
# Boil water advisory
After each new section is connected, a precautionary boil-water advisory will apply to the affected addresses until two consecutive sets of samples, taken {sample_gap} apart, pass bacteriological testing. Bring water to a rolling boil for {boil_minutes} before drinking.
# Contact
Questions about the project can be directed to the Millbrook Water project manager, {pm_name}, at (609) 555-0143 on weekdays from 8 a.m. to 4 p.m.
? main_length | 1,200 feet; 1200 feet; 1,200 ft | 800 feet | How much water main will Millbrook Water replace on Elm Street? | Millbrook Water is replacing {} of cast-iron main on Elm Street.
? works_start | June 9, 2025; 9 June 2025; June 9 | June 2, 2025 | When does the Elm Street water main work begin? | Work begins on {}.
? works_weeks | eleven weeks; 11 weeks | eight weeks | How long is the Elm Street water main replacement expected to take? | The work is expected to take {}, weather permitting.
? work_end | 5 p.m.; 5pm; 17:00; 5:00 p.m. | 6 p.m. | Until what time on weekdays is Elm Street limited to local traffic during the works? | Elm Street is local traffic only from 7 a.m. until {} on weekdays.
? interrupt_notice | 48 hours; forty-eight hours | 24 hours | How much notice will Elm Street residents get of a planned water interruption? | Residents get at least {} of notice by door hanger.
? interrupt_hours | six; 6; six hours; 6 hours | eight | What is the maximum length of a planned water interruption during the Elm Street works? | No interruption will last more than {} hours.
? sample_gap | 24 hours; twenty-four hours | 48 hours | How far apart are the two sets of samples taken before the Elm Street boil-water advisory is lifted? | The two consecutive sample sets are taken {} apart.
? boil_minutes | one minute; 1 minute | three minutes | How long should Elm Street residents boil water during the advisory? | Water should be brought to a rolling boil for {} before drinking.
? pm_name | Carla Benedetti | Carl Bennett | Who is the Millbrook Water project manager for the Elm Street works? | The project manager is {}.
& works_start work_end | When do the Elm Street water main works start, and until what time each weekday is the street restricted to local traffic?
& interrupt_hours boil_minutes | What is the longest a planned water interruption on Elm Street can last, and for how long should water be boiled during the advisory?
! Will Elm Street residents receive a credit on their water bills because of the works? | Yes, affected residents will get a $25 credit on their next bill.

@@ doc-22 | notice | Port Elwood Borough Council — Residents' Parking Zone H
# The zone
Residents' Parking Zone H covers Harbour Road, Quay Street, Chandlers Row and Mariners Close. Restrictions apply from {zone_hours}, Monday to Saturday, starting on {zone_start}.
# Resident permits
Each household may apply for up to {max_permits} resident permits. The first permit costs {first_permit} per year and a second permit costs {second_permit} per year. Permits for fully electric vehicles are discounted by 50%.
# Visitor vouchers
Residents can buy books of {voucher_book} visitor vouchers for £15. Each voucher is valid for one vehicle for one day. Households may buy up to {voucher_limit} books per year.
# Enforcement
Vehicles parked in the zone without a valid permit or voucher will receive a penalty charge of {pcn}, reduced by half if paid within {pcn_discount_days}.
? zone_hours | 8 a.m. to 8 p.m.; 08:00 to 20:00; 8am to 8pm; 8am-8pm | 9 a.m. to 6 p.m. | During what hours do the Port Elwood Zone H parking restrictions apply? | Zone H restrictions apply from {}, Monday to Saturday.
? zone_start | 7 July 2025; July 7, 2025 | 1 July 2025 | On what date do the Port Elwood Zone H restrictions start? | The restrictions start on {}.
? max_permits | two; 2; two permits | three | How many resident permits can each household in Port Elwood's Zone H apply for? | Each household can have up to {} resident permits.
? first_permit | £65; 65 pounds | £55 | How much does the first resident permit cost per year in Port Elwood's Zone H? | The first permit costs {} per year.
? second_permit | £110; 110 pounds | £95 | How much does a second resident permit cost per year in Port Elwood's Zone H? | A second permit costs {} per year.
? voucher_book | ten; 10; ten vouchers | twenty | How many visitor vouchers are in a £15 book for Port Elwood's Zone H? | A £15 book contains {} visitor vouchers.
? voucher_limit | 12; twelve; 12 books | 6 | How many books of visitor vouchers may a Zone H household buy per year? | Households can buy up to {} books a year.
? pcn | £70; 70 pounds | £50 | What is the penalty charge for parking in Port Elwood's Zone H without a valid permit or voucher? | The penalty charge is {}.
? pcn_discount_days | 14 days; fourteen days | 21 days | Within how many days must a Zone H penalty charge be paid to get the 50% reduction? | It is halved if paid within {}.
& first_permit voucher_book | How much is the first resident permit per year in Port Elwood's Zone H, and how many vouchers come in a £15 visitor book?
& zone_hours pcn | When do Port Elwood's Zone H restrictions apply during the day, and what is the penalty charge for parking without a permit or voucher?
! Are motorcycles exempt from the Zone H parking restrictions in Port Elwood? | Yes, motorcycles can park free in marked motorcycle bays in Zone H.

@@ doc-23 | notice | Greenvale County Library — Central Library Renovation and Temporary Closure
# Closure
Greenvale Central Library on Market Square will close on {closure_date} for a full renovation funded by a {grant} state grant. The building is expected to reopen in {reopen}.
# Temporary library
A temporary library will operate at the former post office, {temp_address}, from 22 September 2025. It will open Tuesday to Saturday, 10:00-18:00, with a collection of about {temp_items} items and 12 public computers.
# Loans and returns
All items due during the closure have been automatically renewed until {renewal_date}. The book drops at Market Square will be removed; items can be returned at any branch. Late fees are suspended for the duration of the closure.
# What the renovation includes
The works include a new children's floor, a makerspace with 3D printers, a lift serving all {floors} floors, and solar panels on the roof, expected to generate around {solar} of the building's electricity.
? closure_date | 15 September 2025; September 15, 2025 | 1 September 2025 | On what date does Greenvale Central Library close for renovation? | The Central Library closes on {}.
? grant | $4.2 million; 4.2 million dollars | $2.4 million | How large is the state grant funding the Greenvale Central Library renovation? | The renovation is funded by a {} state grant.
? reopen | spring 2027; spring of 2027 | autumn 2026 | When is Greenvale Central Library expected to reopen? | It is expected to reopen in {}.
? temp_address | 41 Bridge Street | 14 Bridge Street | Where will Greenvale's temporary library operate during the renovation? | The temporary library is at the former post office, {}.
? temp_items | 15,000; fifteen thousand; 15,000 items | 25,000 | About how many items will the Greenvale temporary library hold? | The temporary library will have about {} items.
? renewal_date | 31 October 2025; October 31, 2025 | 30 November 2025 | Until what date have Greenvale library items due during the closure been renewed? | Items due during the closure were renewed until {}.
? floors | three; 3; three floors | four | How many floors will the new lift at Greenvale Central Library serve? | The new lift will serve all {} floors.
? solar | 30%; 30 percent; thirty percent | 50% | What share of Greenvale Central Library's electricity are the new solar panels expected to generate? | The solar panels should generate around {} of the building's electricity.
& closure_date temp_address | When does Greenvale Central Library close, and where is the temporary library?
& grant floors | How big is the state grant for the Greenvale Central Library renovation, and how many floors will the new lift serve?
! Which architecture firm designed the Greenvale Central Library renovation? | The renovation was designed by Hartley Moss Architects.

@@ doc-24 | notice | City of Hollis — 2025 Property Tax Instalment Schedule
# Instalments
2025 property taxes are payable in {instalments} instalments, due on 28 February, 30 April, {third_due} and 31 October.
# Pre-authorized payment plan
Property owners can enrol in the monthly pre-authorized payment plan, which spreads taxes over {pap_months} withdrawals taken on the {pap_day} of each month. Applications must be received by the 15th of the month before the first withdrawal.
# Penalties and interest
A penalty of {penalty} is added to any unpaid instalment on the day after its due date, and interest of {interest} per month is charged on arrears from the first day of the following month.
# Deferral for seniors
Homeowners aged {senior_age} or over with household income below {income_limit} may apply to defer their property taxes. Applications for the 2025 deferral must be filed by {deferral_deadline}.
? instalments | four; 4 | three | In how many instalments are 2025 property taxes payable in Hollis? | Hollis property taxes for 2025 are paid in {} instalments.
? third_due | 31 July; July 31 | 30 June | When is the third 2025 property tax instalment due in Hollis? | The third instalment is due on {}.
? pap_months | ten; 10; ten withdrawals | twelve | Over how many monthly withdrawals does the Hollis pre-authorized payment plan spread property taxes? | The plan spreads taxes over {} monthly withdrawals.
? pap_day | first; 1st; the first | last day | On which day of the month are Hollis pre-authorized property tax withdrawals taken? | Withdrawals are taken on the {} of each month.
? penalty | 1.25%; 1.25 percent | 1.5% | What penalty is added to an unpaid Hollis property tax instalment the day after it is due? | A penalty of {} is added the day after the due date.
? interest | 1%; 1 percent; one percent | 2% | What monthly interest rate does Hollis charge on property tax arrears? | Interest of {} per month is charged on arrears.
? senior_age | 65; sixty-five; 65 years | 60 | From what age can Hollis homeowners apply to defer their property taxes? | Homeowners aged {} or over can apply for the deferral.
? income_limit | $48,000; 48,000 dollars | $55,000 | What household income limit applies to the Hollis senior property tax deferral? | Household income must be below {}.
? deferral_deadline | 30 May 2025; May 30, 2025 | 30 April 2025 | By what date must applications for the 2025 Hollis property tax deferral be filed? | Deferral applications must be filed by {}.
& instalments penalty | In how many instalments are Hollis 2025 property taxes payable, and what penalty is added to a late instalment?
& pap_day interest | On which day of the month are Hollis pre-authorized withdrawals taken, and what monthly interest is charged on arrears?
! What is the 2025 residential property tax rate in Hollis? | The 2025 residential tax rate in Hollis is 1.08% of assessed value.

@@ doc-25 | notice | Riverton Parks and Recreation — 2025 Outdoor Pool Season
# Season dates
Riverton's outdoor pools at Kingsley, Lakeview and Oriole Park open on {pool_open} and close on {pool_close}. Lakeview Pool will open two weeks later than the others this year because of deck repairs.
# Opening hours
Pools are open from {weekday_hours} on weekdays and from 10:00 to 19:00 at weekends. Adult lane swimming runs from 07:00 to 09:00 on weekdays at Kingsley Pool only.
# Admission
Admission is {child_fee} for children aged 3 to 17, {adult_fee} for adults and free for children under three. A season pass costs £55 for an adult and {family_pass} for a family of up to five.
# Safety rules
Children under {unaccompanied_age} must be accompanied in the water by someone aged 16 or over. The diving board at Oriole Park is available only to swimmers who pass a {swim_test} swim test.
? pool_open | 14 June 2025; June 14, 2025; Saturday 14 June 2025; 14 June | 7 June 2025 | On what date do Riverton's outdoor pools open for the 2025 season? | Riverton's outdoor pools open on {}, except Lakeview, which opens two weeks later.
? pool_close | 1 September 2025; September 1, 2025; 1 September | 25 August 2025 | On what date do Riverton's outdoor pools close for the 2025 season? | The pools close on {}.
? weekday_hours | 12:00 to 20:00; noon to 8 p.m.; 12:00-20:00; noon to 8pm | 11:00 to 19:00 | What are the weekday opening hours of Riverton's outdoor pools? | On weekdays the pools are open from {}.
? child_fee | £2; £2.00; 2 pounds | £2.50 | How much is admission for a child aged 3 to 17 at Riverton's outdoor pools? | Children aged 3 to 17 pay {}.
? adult_fee | £4.50; 4.50 pounds | £5 | How much is adult admission at Riverton's outdoor pools? | Adults pay {} for admission.
? family_pass | £140; 140 pounds | £120 | How much does a family season pass for Riverton's outdoor pools cost? | A family season pass, for up to five people, costs {}.
? unaccompanied_age | eight; 8 | ten | Under what age must children be accompanied in the water at Riverton's pools? | Children under {} must be accompanied in the water by someone aged 16 or over.
? swim_test | 25-metre; 25 metre; 25 m; 25 metres | 50-metre | What swim test must swimmers pass to use the Oriole Park diving board? | Swimmers must pass a {} swim test to use the diving board.
& pool_close family_pass | When do Riverton's outdoor pools close for the season, and how much does a family season pass cost?
& weekday_hours child_fee | What are the weekday opening hours of Riverton's outdoor pools, and what does a child pay for admission?
! Do Riverton's outdoor pools offer swimming lessons, and how much do they cost? | Yes, a block of eight lessons costs £48 per child.

@@ doc-26 | notice | Eastfield Borough — Road Closures for the Eastfield Half Marathon
# The event
The 12th Eastfield Half Marathon takes place on {race_date}, starting at {race_start} from Victoria Park. Around {runners} runners are expected.
# Road closures
London Road will be closed between Station Street and the ring road from {closure_start} to 13:30. Victoria Park Drive will be closed all day. All other roads on the course will reopen as soon as the last runner has passed, and no later than {all_reopen}.
# Buses and access
Bus routes {routes} will be diverted for the morning. Residents inside the course can leave by car via {exit_road}, which will stay open under marshal control.
# Volunteers
The organisers still need {marshals} volunteer marshals. Volunteers receive a race T-shirt and lunch; registration closes on {vol_deadline}.
? race_date | 12 October 2025; October 12, 2025; Sunday 12 October 2025; Sunday, October 12, 2025 | 19 October 2025 | On what date is the 12th Eastfield Half Marathon? | The Eastfield Half Marathon takes place on {}.
? race_start | 09:00; 9 a.m.; 9am; 9:00 | 08:30 | At what time does the Eastfield Half Marathon start? | The race starts at {} from Victoria Park.
? runners | 6,500; about 6,500; around 6,500 | 5,600 | How many runners are expected at the Eastfield Half Marathon? | Around {} runners are expected.
? closure_start | 07:00; 7 a.m.; 7am | 06:00 | From what time will London Road be closed for the Eastfield Half Marathon? | London Road will be closed from {} to 13:30.
? all_reopen | 14:00; 2 p.m.; 2pm | 15:00 | By what time at the latest will all other roads on the Eastfield Half Marathon course reopen? | All other roads will reopen no later than {}.
? routes | 4, 11 and 27; 4, 11, 27; routes 4, 11 and 27 | 4, 11 and 17 | Which bus routes will be diverted for the Eastfield Half Marathon? | Bus routes {} will be diverted.
? exit_road | Mill Lane | Park Road | Which road can residents inside the Eastfield Half Marathon course use to leave by car? | Residents inside the course can drive out via {}, under marshal control.
? marshals | 120; 120 marshals; 120 volunteer marshals | 80 | How many more volunteer marshals do the Eastfield Half Marathon organisers need? | The organisers still need {} volunteer marshals.
? vol_deadline | 26 September 2025; September 26, 2025 | 30 September 2025 | When does volunteer registration for the Eastfield Half Marathon close? | Volunteer registration closes on {}.
& race_start all_reopen | What time does the Eastfield Half Marathon start, and by what time will all other roads on the course have reopened?
& runners marshals | How many runners are expected at the Eastfield Half Marathon, and how many volunteer marshals are still needed?
! What is the entry fee for the Eastfield Half Marathon? | The entry fee is £32, or £28 for club runners.

@@ doc-27 | notice | City of Cedar Falls — Dog Licensing Requirements
# Who needs a licence
All dogs aged {licence_age} or older kept in Cedar Falls must be licensed each year. Licences run from 1 January to 31 December and must be renewed by {renew_by}.
# Fees
The annual fee is {fee_neutered} for a spayed or neutered dog and {fee_unneutered} for an unaltered dog. Owners aged 65 or over pay half price. A replacement tag costs $5.
# Documents required
Applicants must show a rabies vaccination certificate that remains valid for at least {rabies_valid} beyond the date of application.
# Late licences and impoundment
A late fee of {late_fee} applies to renewals after the deadline. Unlicensed dogs may be impounded; the impound fee is {impound_fee} plus $15 for each day of boarding.
# Where to apply
Licences can be bought online, by post, or in person at the City Clerk's office in City Hall, {clerk_room}, Monday to Friday from 8:00 to 16:30.
? licence_age | four months; 4 months | six months | From what age must dogs in Cedar Falls be licensed? | Dogs aged {} or older must be licensed.
? renew_by | 1 March; March 1 | 31 January | By what date must Cedar Falls dog licences be renewed each year? | Licences must be renewed by {}.
? fee_neutered | $15; 15 dollars | $20 | What is the annual licence fee for a spayed or neutered dog in Cedar Falls? | The fee for a spayed or neutered dog is {} a year.
? fee_unneutered | $40; 40 dollars | $35 | What is the annual licence fee for an unaltered dog in Cedar Falls? | An unaltered dog costs {} a year to license.
? rabies_valid | 30 days; thirty days | 60 days | For how long beyond the application date must a dog's rabies certificate remain valid for a Cedar Falls licence? | The rabies certificate must remain valid for at least {} beyond the application date.
? late_fee | $10; 10 dollars | $25 | What late fee applies to Cedar Falls dog licence renewals after the deadline? | Late renewals incur a {} late fee.
? impound_fee | $50; 50 dollars | $75 | What is the impound fee for an unlicensed dog in Cedar Falls, before boarding charges? | The impound fee is {}, plus $15 per day of boarding.
? clerk_room | Room 104 | Room 140 | In which room of Cedar Falls City Hall is the City Clerk's office? | The City Clerk's office is in {} of City Hall.
& fee_neutered late_fee | How much is the annual licence for a neutered dog in Cedar Falls, and what is the late fee for renewing after the deadline?
& licence_age rabies_valid | From what age do Cedar Falls dogs need a licence, and how long must the rabies certificate stay valid after the application?
! How many dogs may one household keep in Cedar Falls? | A household may keep up to three dogs without a kennel permit.

@@ doc-28 | notice | Lakeshore Town Council — Community Garden Plot Allocation 2026
# The gardens
The council's two community gardens, at Birch Lane and Foundry Yard, have {total_plots} plots in total. Standard plots measure {plot_size}; raised accessible beds are available at Foundry Yard.
# How to apply
Applications for 2026 open on {apps_open} and close on 31 January 2026. Only Lakeshore residents may apply, and only one plot is allowed per household. Plots are allocated by lottery on {lottery_date}.
# Fees
The annual rent is {plot_rent} for a standard plot and {bed_rent} for a raised bed, plus a refundable key deposit of {key_deposit}.
# Rules
Plot holders must cultivate at least {cultivate_pct} of their plot by 1 June. Hosepipes are not permitted; water is available from butts and standpipes. Bonfires are banned at both sites.
? total_plots | 86; eighty-six; 86 plots | 68 | How many plots do Lakeshore's two community gardens have in total? | The two gardens have {} plots in total.
? plot_size | 5 m × 10 m; 5 m x 10 m; 5 by 10 metres; 5 x 10 m; 50 m² | 4 m × 8 m | How big is a standard plot in Lakeshore's community gardens? | A standard plot measures {}.
? apps_open | 1 December 2025; December 1, 2025 | 1 November 2025 | When do applications for 2026 Lakeshore community garden plots open? | Applications open on {}.
? lottery_date | 14 February 2026; February 14, 2026 | 1 March 2026 | On what date are Lakeshore's 2026 garden plots allocated by lottery? | The lottery takes place on {}.
? plot_rent | £38; 38 pounds | £45 | What is the annual rent for a standard Lakeshore community garden plot? | A standard plot costs {} a year.
? bed_rent | £20; 20 pounds | £15 | What is the annual rent for a raised bed in Lakeshore's community gardens? | A raised bed costs {} a year.
? key_deposit | £10; 10 pounds | £25 | How much is the key deposit for a Lakeshore community garden plot? | There is a refundable key deposit of {}.
? cultivate_pct | 75%; 75 percent; three quarters | 50% | What share of their plot must Lakeshore plot holders cultivate by 1 June? | Plot holders must cultivate at least {} of their plot by 1 June.
& total_plots plot_rent | How many plots are there across Lakeshore's community gardens, and what is the annual rent for a standard plot?
& lottery_date cultivate_pct | When are Lakeshore's 2026 plots allocated, and how much of a plot must be cultivated by 1 June?
! Are beehives allowed on Lakeshore community garden plots? | Yes, beehives are allowed at Birch Lane with written permission from the council.

@@ doc-29 | research | Sleep Duration and Academic Performance in Adolescents: The Halden Cohort Study (summary)
# Design
The Halden Cohort followed {n_students} students aged 13 to 16 from 24 secondary schools in eastern Norway between 2019 and 2022. Sleep was measured with wrist actigraphy over {actigraphy_nights} consecutive school nights each spring.
# Main findings
Students slept an average of {avg_sleep} on school nights. Each additional hour of sleep was associated with a {gpa_gain} higher grade point average on the Norwegian 1-6 scale, after adjusting for socioeconomic status.
# School start times
In the eight schools that moved their start time from 08:15 to {late_start} in 2021, students gained an average of {sleep_gain} of sleep per night, with no change in bedtime.
# Limitations and funding
Participation fell to {retained} students by the final wave, and because the study was observational, causal conclusions are limited. The study was funded by the {funder}.
? n_students | 2,348; 2348 | 3,248 | How many students did the Halden Cohort Study follow? | The Halden Cohort followed {} students aged 13 to 16.
? actigraphy_nights | seven; 7; seven nights; 7 nights | five | Over how many consecutive school nights was sleep measured each spring in the Halden Cohort Study? | Sleep was measured with wrist actigraphy over {} consecutive school nights.
? avg_sleep | 6 hours 48 minutes; 6 h 48 min; 6 hours and 48 minutes | 7 hours 12 minutes | How much did students in the Halden Cohort Study sleep on average on school nights? | On school nights the students slept {} on average.
? gpa_gain | 0.12-point; 0.12 points; 0.12 | 0.21-point | In the Halden Cohort Study, how much higher was grade point average for each additional hour of sleep? | Each extra hour of sleep was linked to a {} higher grade point average.
? late_start | 09:00; 9:00; 9 a.m.; 9am | 08:45 | To what time did eight schools in the Halden Cohort Study move their start time in 2021? | Eight schools moved their start time from 08:15 to {}.
? sleep_gain | 34 minutes; thirty-four minutes | 43 minutes | How much extra sleep per night did students gain when their schools started later, in the Halden Cohort Study? | Students at those schools gained {} of sleep per night.
? retained | 1,906; 1906 | 1,609 | How many students remained in the Halden Cohort Study by the final wave? | {} students remained by the final wave.
? funder | Research Council of Norway; the Research Council of Norway | Norwegian Institute of Public Health | Who funded the Halden Cohort Study? | The study was funded by the {}.
& n_students retained | How many students did the Halden Cohort Study follow, and how many were still taking part by the final wave?
& late_start gpa_gain | In the Halden Cohort Study, to what time did eight schools move their start, and how much higher was GPA per additional hour of sleep?
! Did the Halden Cohort Study find an effect of screen use before bed on sleep? | Yes, students who used screens in the hour before bed slept 21 minutes less.

@@ doc-30 | research | VAR-219 for Resistant Hypertension: Phase II Trial Results (summary)
# Trial design
The randomised, double-blind trial enrolled {n_pts} adults whose blood pressure remained above 140/90 mmHg despite three antihypertensive drugs. Participants received VAR-219 {dose} once daily or placebo for {trial_weeks}.
# Efficacy
Mean systolic blood pressure fell by {sbp_drop} in the VAR-219 group, compared with 4.1 mmHg in the placebo group (p < 0.001). Overall, {target_pct} of treated patients reached the target of below 130/80 mmHg.
# Safety
The most common adverse event was mild hyperkalaemia, seen in {hyperk_pct} of the VAR-219 group. Discontinuations due to adverse events occurred in 3.9% of treated patients and 2.4% of placebo patients.
# Next steps
A phase III trial of around {ph3_n} patients across {ph3_countries} countries is planned to start in the first quarter of 2026. The trial programme is sponsored by {sponsor}.
? n_pts | 412; 412 adults; 412 patients | 421 | How many adults were enrolled in the VAR-219 phase II trial? | The phase II trial enrolled {} adults with resistant hypertension.
? dose | 25 mg; 25 milligrams | 50 mg | What dose of VAR-219 did participants receive in the phase II trial? | Participants took VAR-219 {} once daily.
? trial_weeks | 12 weeks; twelve weeks | 24 weeks | How long did participants take VAR-219 or placebo in the phase II trial? | Treatment lasted {}.
? sbp_drop | 13.6 mmHg | 16.3 mmHg | By how much did mean systolic blood pressure fall in the VAR-219 group? | Mean systolic pressure fell by {} in the VAR-219 group.
? target_pct | 38%; 38 percent | 28% | What percentage of VAR-219-treated patients reached the blood pressure target below 130/80 mmHg? | {} of treated patients reached the target of below 130/80 mmHg.
? hyperk_pct | 7.8%; 7.8 percent | 8.7% | In what share of the VAR-219 group was mild hyperkalaemia seen? | Mild hyperkalaemia occurred in {} of the VAR-219 group.
? ph3_n | 3,000; about 3,000; around 3,000 | 5,000 | About how many patients will the planned VAR-219 phase III trial enrol? | The phase III trial will enrol around {} patients.
? ph3_countries | 14; fourteen; 14 countries | 11 | In how many countries will the VAR-219 phase III trial run? | It will run across {} countries.
? sponsor | Corvane Therapeutics | Vantor Pharma | Who sponsors the VAR-219 trial programme? | The programme is sponsored by {}.
& dose sbp_drop | What daily dose of VAR-219 was tested in the phase II trial, and by how much did mean systolic pressure fall in the treated group?
& n_pts ph3_n | How many adults took part in the VAR-219 phase II trial, and about how many patients will the phase III trial enrol?
! What was the mean age of the participants in the VAR-219 phase II trial? | The participants' mean age was 61 years.

@@ doc-31 | research | Shoreline Change at Saltmarsh Bay, 2004-2024 (survey summary)
# Methods
Shoreline positions were digitised from {n_surveys} aerial and drone surveys flown between 2004 and 2024 and analysed with the Digital Shoreline Analysis System along transects spaced {transect_spacing} apart.
# Erosion rates
The northern 3.2 km of the bay retreated at a mean rate of {north_rate}, while the southern section, protected by a rock revetment built in 1998, was essentially stable. The maximum retreat, {max_retreat} over the 20 years, was recorded near Gull Point.
# Drivers
Erosion peaked after the storm of {storm_date}, which on its own removed up to 9 m of dune front. Mean sea level at the nearest tide gauge rose by {slr} between 2004 and 2024.
# Recommendations
The authors recommend managed realignment for the northern section and a beach nourishment scheme of about {nourish_vol} of sand every {nourish_interval} along the frontage of Saltmarsh village.
? n_surveys | 17; seventeen; 17 surveys | 12 | How many aerial and drone surveys were used in the Saltmarsh Bay shoreline study? | Shoreline positions came from {} aerial and drone surveys.
? transect_spacing | 50 m; 50 metres; 50 meters | 25 m | How far apart were the transects in the Saltmarsh Bay shoreline analysis? | Transects were spaced {} apart.
? north_rate | 1.4 m per year; 1.4 metres per year; 1.4 m/yr; 1.4 m a year | 0.8 m per year | At what mean rate did the northern section of Saltmarsh Bay retreat? | The northern 3.2 km retreated at a mean rate of {}.
? max_retreat | 46 m; 46 metres; 46 meters | 64 m | What was the maximum shoreline retreat at Saltmarsh Bay over the 20 years? | The maximum retreat was {}, near Gull Point.
? storm_date | 5 December 2013; December 5, 2013 | 5 December 2015 | After the storm of which date did erosion at Saltmarsh Bay peak? | Erosion peaked after the storm of {}.
? slr | 7.1 cm; 71 mm; 7.1 centimetres | 4.1 cm | How much did mean sea level rise at the tide gauge nearest Saltmarsh Bay between 2004 and 2024? | Mean sea level at the nearest gauge rose by {} over that period.
? nourish_vol | 120,000 m³; 120,000 cubic metres; 120,000 cubic meters | 210,000 m³ | How much sand does the recommended Saltmarsh Bay nourishment scheme involve each time? | The scheme would place about {} of sand each time.
? nourish_interval | eight years; 8 years | five years | How often would the recommended Saltmarsh Bay beach nourishment take place? | Nourishment is recommended every {}.
& north_rate slr | At what mean rate did the northern part of Saltmarsh Bay retreat, and how much did sea level rise at the nearest tide gauge?
& storm_date max_retreat | After which storm did erosion at Saltmarsh Bay peak, and what was the maximum retreat over the 20 years?
! How much would the recommended beach nourishment scheme at Saltmarsh Bay cost? | Each nourishment campaign is estimated to cost £2.3 million.

@@ doc-32 | research | Street Trees and Urban Heat in Carrow (study summary)
# The study
Researchers at the University of Carrow installed {n_sensors} temperature sensors at 1.5 m height along residential streets during July and August 2024, and mapped tree canopy from airborne lidar.
# Results
Streets with more than 40% canopy cover were on average {cool_diff} cooler at 15:00 than streets with less than 10% cover. The difference shrank to {night_diff} at 03:00.
# Species
Of the species surveyed, {best_species} provided the greatest shade per tree, while small ornamental cherries provided the least. Young trees planted since 2015 contributed {young_share} of total canopy.
# Policy implications
The authors estimate that raising canopy cover in the city's 20 hottest neighbourhoods to 30% would require about {trees_needed} new street trees, at a cost of roughly {cost_per_tree} per tree including five years of aftercare.
? n_sensors | 164; 164 sensors | 146 | How many temperature sensors did the Carrow street tree study install? | The researchers installed {} temperature sensors.
? cool_diff | 2.9 °C; 2.9°C; 2.9 degrees | 4.2 °C | How much cooler at 15:00 were Carrow streets with more than 40% canopy than streets with under 10%? | Well-shaded streets were on average {} cooler at 15:00.
? night_diff | 0.8 °C; 0.8°C; 0.8 degrees | 1.8 °C | In the Carrow study, how large was the temperature difference between high- and low-canopy streets at 03:00? | At 03:00 the difference shrank to {}.
? best_species | London plane; London planes; the London plane | small-leaved lime | Which tree species gave the greatest shade per tree in the Carrow study? | {} provided the greatest shade per tree.
? young_share | 6%; 6 percent; six percent | 16% | What share of Carrow's total canopy came from trees planted since 2015? | Trees planted since 2015 contributed {} of total canopy.
? trees_needed | 11,000; about 11,000; eleven thousand | 18,000 | How many new street trees would Carrow need to raise canopy cover in its 20 hottest neighbourhoods to 30%? | About {} new street trees would be needed.
? cost_per_tree | £1,150; 1,150 pounds | £750 | What is the estimated cost per new street tree in Carrow, including aftercare? | Each tree would cost roughly {} including five years of aftercare.
& cool_diff trees_needed | How much cooler were Carrow's high-canopy streets at 15:00, and how many new street trees would the city need to reach 30% canopy in its hottest neighbourhoods?
& n_sensors best_species | How many sensors did the Carrow study use, and which species gave the most shade per tree?
! Did the Carrow study find that street trees reduce air pollution? | Yes, streets with dense canopy had 12% lower nitrogen dioxide levels.

@@ doc-33 | research | Neonicotinoid Exposure and Honeybee Foraging: A Field Study in Lower Saxony (summary)
# Design
The study compared {n_colonies} honeybee colonies placed next to oilseed rape fields grown from clothianidin-treated seed with the same number placed next to untreated fields, during the spring flowering of 2023.
# Residues
The median clothianidin concentration in stored nectar from colonies at treated fields was {residue}, compared with levels below the detection limit at control sites.
# Foraging behaviour
RFID tags fitted to {tagged_bees} bees showed that foragers from treated sites made {trip_drop} fewer foraging trips per day and were 11% more likely to fail to return to the hive.
# Colony outcomes
By the end of the season, colonies at treated sites had {brood_drop} less capped brood, but no difference in overwinter survival was detected. The study was led by Dr {lead_author} at the Institute for Bee Research in Celle.
? n_colonies | 48; 48 colonies | 36 | How many colonies were placed next to treated oilseed rape fields in the Lower Saxony study? | {} colonies were placed next to fields grown from treated seed.
? residue | 1.9 µg/kg; 1.9 micrograms per kilogram; 1.9 ug/kg | 9.1 µg/kg | What was the median clothianidin concentration in nectar from colonies at treated fields? | The median concentration in stored nectar was {}.
? tagged_bees | 6,000; 6,000 bees | 600 | How many bees were fitted with RFID tags in the Lower Saxony honeybee study? | RFID tags were fitted to {} bees.
? trip_drop | 18%; 18 percent | 8% | How many fewer foraging trips per day did bees from treated sites make in the Lower Saxony study? | Foragers from treated sites made {} fewer trips per day.
? brood_drop | 22%; 22 percent | 12% | How much less capped brood did colonies at treated sites have by the end of the season? | They had {} less capped brood by the end of the season.
? lead_author | Anke Vollmer; Dr Anke Vollmer; Dr. Anke Vollmer | Jana Koch | Who led the Lower Saxony neonicotinoid field study? | The study was led by Dr {} at the Institute for Bee Research in Celle.
& n_colonies trip_drop | How many colonies were placed by treated fields in the Lower Saxony study, and how many fewer foraging trips did their bees make?
& residue brood_drop | What was the median clothianidin level in nectar at treated sites, and how much less capped brood did those colonies have?
! What percentage of the colonies at treated sites survived the following winter? | 86% of the colonies at treated sites survived the winter.

@@ doc-34 | research | Cycle Life of Sodium-Ion Pouch Cells under Fast Charging (technical summary)
# Cells tested
The team tested {n_cells} commercial-format 5 Ah sodium-ion pouch cells with a layered oxide cathode and a hard-carbon anode, cycled at 25 °C between 1.5 V and {v_max}.
# Results at 1C
At a 1C charge rate, the cells retained {ret_1c} of their initial capacity after {cycles_1c} cycles.
# Fast charging
At 3C, capacity fell to 80% after {cycles_3c} cycles; post-mortem analysis attributed the fade mainly to {fade_cause}.
# Low-temperature performance
At −20 °C the cells delivered {cold_cap} of their room-temperature capacity at 0.5C, outperforming the lithium iron phosphate reference cells, which delivered 61%.
? n_cells | 36; 36 cells | 24 | How many sodium-ion pouch cells were tested in the fast-charging study? | The team tested {} pouch cells.
? v_max | 4.0 V; 4.0 volts; 4 V | 4.2 V | What was the upper voltage limit used when cycling the sodium-ion cells? | The cells were cycled between 1.5 V and {}.
? ret_1c | 89%; 89 percent | 80% | What share of initial capacity did the sodium-ion cells retain when cycled at 1C? | At 1C the cells kept {} of their initial capacity.
? cycles_1c | 3,000; 3,000 cycles | 2,000 | After how many cycles at 1C was the sodium-ion cells' capacity retention measured? | The 1C capacity retention was measured after {} cycles.
? cycles_3c | 1,850; 1,850 cycles | 2,850 | After how many cycles at 3C did the sodium-ion cells fall to 80% capacity? | At 3C, capacity reached 80% after {} cycles.
? fade_cause | sodium plating on the anode; sodium plating | cathode cracking | What was the main cause of capacity fade at 3C in the sodium-ion cells? | Post-mortem analysis blamed mainly {}.
? cold_cap | 78%; 78 percent | 68% | What share of room-temperature capacity did the sodium-ion cells deliver at −20 °C? | At −20 °C they delivered {} of their room-temperature capacity.
& ret_1c cycles_3c | What capacity did the sodium-ion cells retain at 1C, and after how many cycles did they reach 80% at 3C?
& v_max cold_cap | What upper voltage were the sodium-ion cells cycled to, and what share of their capacity did they deliver at −20 °C?
! What is the energy density of the sodium-ion cells tested? | The cells have a gravimetric energy density of 150 Wh/kg.

@@ doc-35 | research | Hybrid Work and Productivity in Finland: Survey Results (summary)
# Sample
The survey was fielded in {survey_month} to {respondents} knowledge workers at 37 organisations, with a response rate of {resp_rate}.
# Work patterns
Respondents worked from home a median of {wfh_days} per week, and {prefer_more} said they would like to work from home more often than their current arrangement allows.
# Productivity
Self-rated productivity was highest among those working from home two or three days a week. Time previously spent commuting, on average {commute_min} per day, was split roughly equally between work and personal activities.
# Authors and publication
The survey was conducted by the Helsinki Institute for Work Studies; the lead researcher was {lead_res}. Full results will appear in the institute's working-paper series in {pub_date}.
? survey_month | March 2025 | May 2025 | When was the Finnish hybrid work survey fielded? | The survey was fielded in {}.
? respondents | 1,104; 1104 | 1,401 | How many knowledge workers responded to the Finnish hybrid work survey? | {} knowledge workers took part.
? resp_rate | 41%; 41 percent | 14% | What was the response rate of the Finnish hybrid work survey? | The response rate was {}.
? wfh_days | 2.5 days; two and a half days | 3 days | What was the median number of days per week that respondents worked from home in the Finnish survey? | Respondents worked from home a median of {} per week.
? prefer_more | 29%; 29 percent | 39% | What share of respondents in the Finnish survey wanted to work from home more often? | {} said they wanted to work from home more often.
? commute_min | 47 minutes | 74 minutes | How much time per day did respondents in the Finnish survey previously spend commuting, on average? | Respondents had spent {} a day commuting on average.
? lead_res | Mikko Laaksonen | Mika Lahtinen | Who was the lead researcher of the Finnish hybrid work survey? | The lead researcher was {}.
? pub_date | autumn 2025; fall 2025 | spring 2026 | When will the full results of the Finnish hybrid work survey be published? | The full results are due in {}.
& respondents wfh_days | How many knowledge workers answered the Finnish hybrid work survey, and what was the median number of days they worked from home per week?
& commute_min lead_res | How long was the average daily commute reported in the Finnish survey, and who led the research?
! How many of the respondents to the Finnish hybrid work survey were managers? | 312 of the respondents, about 28%, were managers.

@@ doc-36 | research | Microplastics in Sediments of the River Wendle (monitoring report summary)
# Sampling
Sediment cores were taken at {n_sites} sites along a 62 km stretch of the River Wendle in October 2024, from the upland reach above Ashby Weir to the tidal limit at Kell Bridge.
# Concentrations
Microplastic concentrations ranged from {min_conc} of dry sediment at the upland sites to {max_conc} immediately downstream of the {hotspot}.
# Particle types
Fibres made up {fibre_share} of all particles, followed by fragments at 24% and films at 9%. {polymer} was the most common polymer identified by FTIR spectroscopy.
# Recommendations
The report recommends that the water company install tertiary filtration at the Marston works by {filtration_by} and that monitoring be repeated every {monitor_interval}.
? n_sites | 18; eighteen; 18 sites | 12 | At how many sites were sediment cores taken along the River Wendle? | Sediment cores were taken at {} sites.
? min_conc | 35 particles/kg; 35 particles per kg; 35 particles per kilogram | 53 particles/kg | What was the lowest microplastic concentration found in River Wendle sediments? | Concentrations ranged from {} at the upland sites.
? max_conc | 1,420 particles/kg; 1,420 particles per kg; 1,420 particles per kilogram | 1,240 particles/kg | What was the highest microplastic concentration found in River Wendle sediments? | The highest concentration was {}.
? hotspot | Marston wastewater treatment works; the Marston wastewater treatment works | Kell Bridge storm outfall | Immediately downstream of what was the highest microplastic concentration in the River Wendle recorded? | The highest level was found just downstream of the {}.
? fibre_share | 61%; 61 percent | 51% | What share of the microplastic particles in River Wendle sediments were fibres? | Fibres made up {} of all particles.
? polymer | Polyester | Polypropylene | Which polymer was most common in the River Wendle sediment samples? | {} was the most common polymer.
? filtration_by | 2028; by 2028 | 2030 | By what year does the River Wendle report recommend installing tertiary filtration at the Marston works? | Tertiary filtration should be installed by {}.
? monitor_interval | three years; 3 years | five years | How often does the River Wendle report recommend repeating the monitoring? | Monitoring should be repeated every {}.
& n_sites fibre_share | At how many sites was River Wendle sediment sampled, and what share of the particles were fibres?
& max_conc filtration_by | What was the highest microplastic concentration in River Wendle sediments, and by what year should tertiary filtration be installed at Marston?
! What was the microplastic concentration in the River Wendle's water, as opposed to its sediments? | The river water contained about 4.2 particles per litre.
"""

TRAIN_DOCS = {"doc-05", "doc-14", "doc-22", "doc-31", "doc-10"}

# Facts that another section lets a reader infer, so they are never used as "withheld" unanswerable cases.
NO_WITHHOLD = {("doc-36", "hotspot")}

# --------------------------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------------------------

PROBLEMS = []
PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


def parse_docs(src):
    docs = []
    cur = None
    for raw in src.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("@@ "):
            did, cat, title = [p.strip() for p in line[3:].split(" | ")]
            cur = {"id": did, "category": cat, "title": title, "sections": [], "facts": {}, "pairs": [],
                   "absent": []}
            docs.append(cur)
        elif line.startswith("# "):
            cur["sections"].append({"heading": line[2:].strip(), "raw": ""})
        elif line.startswith("? "):
            key, vals, wrong, question, say = [p.strip() for p in line[2:].split(" | ")]
            assert key not in cur["facts"], (cur["id"], key)
            cur["facts"][key] = {"key": key, "values": [v.strip() for v in vals.split(";")], "wrong": wrong,
                                 "question": question, "say": say}
        elif line.startswith("& "):
            keys, question = [p.strip() for p in line[2:].split(" | ")]
            cur["pairs"].append({"keys": keys.split(), "question": question})
        elif line.startswith("! "):
            question, halluc = [p.strip() for p in line[2:].split(" | ")]
            cur["absent"].append({"question": question, "halluc": halluc})
        else:
            sec = cur["sections"][-1]
            sec["raw"] = (sec["raw"] + " " + line).strip()
    for doc in docs:
        seen = {}
        for n, sec in enumerate(doc["sections"], 1):
            keys = PLACEHOLDER.findall(sec["raw"])
            for k in keys:
                assert k in doc["facts"], (doc["id"], k)
                assert k not in seen, (doc["id"], k, "placeholder used twice")
                seen[k] = n
            sec["keys"] = keys
            sec["n"] = n
            sec["text"] = PLACEHOLDER.sub(lambda m: doc["facts"][m.group(1)]["values"][0], sec["raw"])
            assert "{" not in sec["text"] and "}" not in sec["text"], (doc["id"], n)
        assert set(seen) == set(doc["facts"]), (doc["id"], set(doc["facts"]) - set(seen))
        for k, f in doc["facts"].items():
            f["section"] = seen[k]
            f["variants"] = expand_variants(f["values"])
            assert "{}" in f["say"], (doc["id"], k)
            if norm(f["wrong"]) in {norm(v) for v in f["variants"]}:
                PROBLEMS.append((doc["id"], k, "wrong equals a variant"))
            if mentions(f["wrong"], doc_text(doc, seen[k])):
                PROBLEMS.append((doc["id"], k, "wrong value in section"))
        for p in doc["pairs"]:
            a, b = p["keys"]
            if doc["facts"][a]["section"] == doc["facts"][b]["section"]:
                PROBLEMS.append((doc["id"], "pair in one section", p["keys"]))
        assert 4 <= len(doc["sections"]) <= 6, doc["id"]
    assert not PROBLEMS, PROBLEMS
    return docs


def norm(s):
    return re.sub(r"\s+", " ", s.strip().lower())


def expand_variants(values):
    out = []
    for v in values:
        for cand in (v, re.sub(r"(?<=\d),(?=\d{3})", "", v)):
            if norm(cand) not in {norm(x) for x in out}:
                out.append(cand)
    return out


def mentions(value, text):
    """Whether `value` occurs in `text` as a whole token sequence (case-insensitive)."""
    pat = r"(?<![\w.,])" + re.escape(value.lower()) + r"(?![\w])"
    return re.search(pat, text.lower()) is not None


def doc_text(doc, n):
    return doc["sections"][n - 1]["text"]


def passage(doc, n):
    sec = doc["sections"][n - 1]
    return f"[{doc['id']} §{n}] {doc['title']} (section: {sec['heading']})\n{sec['text']}"


# --------------------------------------------------------------------------------------------------------------
# Case building
# --------------------------------------------------------------------------------------------------------------

REFUSALS = [
    "The context does not say.",
    "The provided passages don't contain this information.",
    "I can't find this in the context: none of the passages states it.",
    "This is not stated in the given context.",
    "None of the passages answers this question, so I can't say.",
]


def fill(say, value):
    s = say.replace("{}", value)
    return s[0].upper() + s[1:]


def combos(va, vb, limit=3):
    out = []
    for a in va[:limit]:
        for b in vb[:limit]:
            out.append(f"{a} and {b}")
    return out


def pick_distractors(rng, doc, docs_pool, exclude_secs, k, same_doc_share=0.5):
    """k passages: other sections of the same document and/or sections of other documents."""
    chosen = []
    own = [n for n in range(1, len(doc["sections"]) + 1) if n not in exclude_secs]
    same_cat = [d for d in docs_pool if d["id"] != doc["id"] and d["category"] == doc["category"]]
    other = [d for d in docs_pool if d["id"] != doc["id"]]
    for _ in range(k):
        if own and rng.random() < same_doc_share:
            n = own.pop(rng.randrange(len(own)))
            chosen.append((doc, n))
        else:
            pool = same_cat if same_cat and rng.random() < 0.7 else other
            for _try in range(20):
                d = rng.choice(pool)
                n = rng.randint(1, len(d["sections"]))
                if (d, n) not in chosen:
                    chosen.append((d, n))
                    break
    return chosen


def build_context(rng, items):
    items = list(items)
    rng.shuffle(items)
    return "\n\n".join(passage(d, n) for d, n in items), items


def case_single(rng, doc, fact, pool):
    k = rng.choices([0, 1, 2, 3], weights=[2, 3, 3, 2])[0]
    items = [(doc, fact["section"])] + pick_distractors(rng, doc, pool, {fact["section"]}, k)
    context, items = build_context(rng, items)
    tags = ["single-fact", doc["category"]]
    if any(d["id"] != doc["id"] for d, _ in items):
        tags.append("other-doc-distractors")
    return {"kind": "single", "doc": doc, "facts": [fact], "question": fact["question"], "context": context,
            "items": items, "expected": list(fact["variants"]), "tags": tags}


def case_pair(rng, doc, pair, pool):
    fa, fb = (doc["facts"][k] for k in pair["keys"])
    gold = {fa["section"], fb["section"]}
    k = rng.choices([0, 1, 2], weights=[3, 4, 3])[0]
    items = [(doc, n) for n in sorted(gold)] + pick_distractors(rng, doc, pool, gold, k)
    context, items = build_context(rng, items)
    tags = ["two-passage", doc["category"]]
    if any(d["id"] != doc["id"] for d, _ in items):
        tags.append("other-doc-distractors")
    return {"kind": "pair", "doc": doc, "facts": [fa, fb], "question": pair["question"], "context": context,
            "items": items, "expected": combos(fa["variants"], fb["variants"]), "tags": tags}


def context_mentions_any(items, variants):
    return any(mentions(v, d["sections"][n - 1]["text"]) or mentions(v, d["title"]) for d, n in items
               for v in variants)


def case_withheld(rng, doc, fact, pool):
    for _attempt in range(50):
        k = rng.choice([1, 2, 2, 3, 3, 4])
        items = pick_distractors(rng, doc, pool, {fact["section"]}, k, same_doc_share=0.75)
        if not any(d is doc for d, _ in items):
            continue
        if context_mentions_any(items, fact["variants"]):
            continue
        context, items = build_context(rng, items)
        tags = ["unanswerable", "withheld", doc["category"]]
        if any(d["id"] != doc["id"] for d, _ in items):
            tags.append("other-doc-distractors")
        return {"kind": "withheld", "doc": doc, "facts": [fact], "question": fact["question"], "context": context,
                "items": items, "expected": ["unanswerable"], "tags": tags}
    return None


def case_absent(rng, doc, absent, pool):
    k = rng.choice([1, 2, 2, 3, 3, 4])
    items = pick_distractors(rng, doc, pool, set(), k, same_doc_share=0.8)
    if not any(d is doc for d, _ in items):
        items[0] = (doc, rng.randint(1, len(doc["sections"])))
        seen, uniq = set(), []
        for d, n in items:
            if (d["id"], n) not in seen:
                seen.add((d["id"], n))
                uniq.append((d, n))
        items = uniq
    context, items = build_context(rng, items)
    tags = ["unanswerable", "absent", doc["category"]]
    if any(d["id"] != doc["id"] for d, _ in items):
        tags.append("other-doc-distractors")
    return {"kind": "absent", "doc": doc, "facts": [], "absent": absent, "question": absent["question"],
            "context": context, "items": items, "expected": ["unanswerable"], "tags": tags}


def ref(doc, fact):
    return f"[{doc['id']} §{fact['section']}]"


def other_fact_in_context(rng, case):
    asked = {f["key"] for f in case["facts"]}
    cands = [f for d, n in case["items"] if d is case["doc"] for f in d["facts"].values()
             if f["section"] == n and f["key"] not in asked]
    return rng.choice(cands) if cands else None


def label(output, passed, score, note):
    return {"output": output, "passed": passed, "score": score, "note": note}


def make_labels(rng, case):
    doc = case["doc"]
    kind = case["kind"]
    if kind in ("withheld", "absent"):
        refusal = label(rng.choice(REFUSALS), True, 1.0,
                        "Correct: the context does not contain the answer and the response says so.")
        if kind == "withheld":
            f = case["facts"][0]
            hall = label(fill(f["say"], f["wrong"]), False, 0.0,
                         f"Hallucinated: states '{f['wrong']}', but no passage in the context gives this fact; "
                         "the expected answer is that it is not stated.")
        else:
            hall = label(case["absent"]["halluc"], False, 0.0,
                         "Hallucinated: the context never mentions this; the response invents an answer instead "
                         "of saying it is not stated.")
        opts = [[refusal], [hall], [refusal, hall], [hall, refusal]]
        return rng.choice(opts)
    if kind == "single":
        f = case["facts"][0]
        v, w = f["values"][0], f["wrong"]
        alt = f["variants"][1] if len(f["variants"]) > 1 else v
        pool = {
            "paraphrase": label(fill(f["say"], v), True, 1.0,
                                f"Correct: gives {v} as stated in {ref(doc, f)}."),
            "short": label(alt[0].upper() + alt[1:] + ".", True, 1.0,
                           f"Correct: a bare answer '{alt}' is an accepted form of {v} ({ref(doc, f)})."),
            "wrong": label(fill(f["say"], w), False, 0.0,
                           f"Wrong value: says {w}; the context ({ref(doc, f)}) says {v}."),
            "refusal": label(rng.choice(REFUSALS), False, 0.0,
                             f"False refusal: the answer ({v}) is stated in {ref(doc, f)}."),
        }
        other = other_fact_in_context(rng, case)
        if other is not None:
            pool["verbose"] = label(
                f"According to {ref(doc, f)}: {fill(f['say'], v)} "
                f"The same document also notes: {fill(other['say'], other['values'][0])}",
                True, 1.0,
                f"Correct but verbose: gives {v}; the extra detail is accurate and taken from the context.")
        good = [k for k in ("paraphrase", "short", "verbose") if k in pool]
        bad = ["wrong", "wrong", "refusal"]
        if rng.random() < 0.5:
            return [pool[rng.choice(good + bad)]]
        a, b = pool[rng.choice(good)], pool[rng.choice(bad)]
        return [a, b] if rng.random() < 0.5 else [b, a]
    # pair
    fa, fb = case["facts"]
    va, vb, wa, wb = fa["values"][0], fb["values"][0], fa["wrong"], fb["wrong"]
    both = fill(fa["say"], va) + " " + fill(fb["say"], vb)
    pool = {
        "both": label(both, True, 1.0, f"Correct: gives both {va} ({ref(doc, fa)}) and {vb} ({ref(doc, fb)})."),
        "partial_wrong_b": label(fill(fa["say"], va) + " " + fill(fb["say"], wb), False, 0.5,
                                 f"Partially correct: {va} is right, but the second part says {wb} where "
                                 f"{ref(doc, fb)} says {vb}."),
        "partial_wrong_a": label(fill(fa["say"], wa) + " " + fill(fb["say"], vb), False, 0.5,
                                 f"Partially correct: {vb} is right, but the first part says {wa} where "
                                 f"{ref(doc, fa)} says {va}."),
        "partial_missing": label(fill(fa["say"], va) + " The context does not say anything about the second "
                                 "part of the question.", False, 0.5,
                                 f"Partially correct: {va} is right, but it misses {vb}, which {ref(doc, fb)} "
                                 "states."),
        "both_wrong": label(fill(fa["say"], wa) + " " + fill(fb["say"], wb), False, 0.0,
                            f"Wrong: both values are wrong; the context gives {va} and {vb}."),
        "verbose": label(f"Two passages are relevant. From {ref(doc, fa)}: {fill(fa['say'], va)} From "
                         f"{ref(doc, fb)}: {fill(fb['say'], vb)} So the answer is {va} and {vb}.", True, 1.0,
                         "Correct but verbose: both values are right and the explanation only uses the context."),
    }
    good = ["both", "verbose"]
    bad = ["partial_wrong_b", "partial_wrong_a", "partial_missing", "partial_wrong_b", "both_wrong"]
    if rng.random() < 0.4:
        return [pool[rng.choice(good + bad)]]
    a, b = pool[rng.choice(good)], pool[rng.choice(bad)]
    return [a, b] if rng.random() < 0.5 else [b, a]


def build():
    rng = random.Random(SEED)
    docs = parse_docs(DOCS)
    assert len({d["id"] for d in docs}) == len(docs)
    train_pool = [d for d in docs if d["id"] in TRAIN_DOCS]
    test_pool = [d for d in docs if d["id"] not in TRAIN_DOCS]
    cases = []
    for doc in docs:
        pool = train_pool if doc["id"] in TRAIN_DOCS else test_pool
        split = "train" if doc["id"] in TRAIN_DOCS else "test"
        dcases = []
        facts = list(doc["facts"].values())
        for f in facts:
            dcases.append(case_single(rng, doc, f, pool))
        for p in doc["pairs"]:
            dcases.append(case_pair(rng, doc, p, pool))
        for a in doc["absent"]:
            dcases.append(case_absent(rng, doc, a, pool))
        n_withheld = 2 if len(doc["absent"]) < 2 else 1
        order = facts[:]
        rng.shuffle(order)
        made = 0
        for f in order:
            if (doc["id"], f["key"]) in NO_WITHHOLD:
                continue
            if made == n_withheld:
                break
            c = case_withheld(rng, doc, f, pool)
            if c is not None:
                dcases.append(c)
                made += 1
        assert made == n_withheld, doc["id"]
        for c in dcases:
            c["split"] = split
        cases.extend(dcases)
    rng.shuffle(cases)
    # checks: answers right by construction
    for c in cases:
        n_pass = len(c["items"])
        assert 1 <= n_pass <= 4, n_pass
        if c["kind"] == "single":
            f = c["facts"][0]
            assert (c["doc"], f["section"]) in c["items"] and f["values"][0] in doc_text(c["doc"], f["section"])
        elif c["kind"] == "pair":
            for f in c["facts"]:
                assert (c["doc"], f["section"]) in c["items"]
        elif c["kind"] == "withheld":
            assert not context_mentions_any(c["items"], c["facts"][0]["variants"])
    # labels on ~55% of test cases, stratified by kind
    test_idx = [i for i, c in enumerate(cases) if c["split"] == "test"]
    by_kind = {}
    for i in test_idx:
        by_kind.setdefault(cases[i]["kind"], []).append(i)
    labelled = set()
    for kind in sorted(by_kind):
        idxs = by_kind[kind]
        share = 0.75 if kind in ("pair", "absent", "withheld") else 0.45
        labelled.update(rng.sample(idxs, round(len(idxs) * share)))
    lines = []
    for n, c in enumerate(cases, 1):
        case = {
            "id": f"qa-{n:05d}",
            "input": {"question": c["question"], "context": c["context"]},
            "expected": c["expected"],
            "split": c["split"],
            "tags": c["tags"],
            "cluster": c["doc"]["id"],
            "labels": make_labels(rng, c) if (n - 1) in labelled else [],
        }
        lines.append(json.dumps(case, ensure_ascii=False))
    return lines, docs


def yaml_str(s):
    return json.dumps(s, ensure_ascii=True)


DESCRIPTION = """\
Grounded question answering over short context passages. 36 fictional but realistic source documents (10 company
policies, 9 product manuals, 9 municipal notices, 8 research summaries), each with 4-6 sections full of specific
facts. The context holds 1-4 passages joined by blank lines, each headed "[doc-NN §S] Title (section: Heading)".
Questions come from per-document fact tables (each fact is a placeholder in its section text), so answers are
right by construction. Tags: single-fact = one fact, its section plus 0-3 distractor passages; two-passage = two
facts from two sections of the same document, expected "A and B"; unanswerable = expected ["unanswerable"], either
"absent" (the document never states it; the context holds sections of that document, sometimes plus others) or
"withheld" (a real fact whose section is left out of the context; the generator checks that no accepted form of
the answer appears in the context); other-doc-distractors = the context includes passages from other documents,
often of the same kind (e.g. two companies' leave policies); policy/manual/notice/research = document category.
expected lists acceptable short answers (equivalent forms: digits/words, date orders, units). cluster is the source
document id; whole documents are assigned to train (5 documents) or test. Judge-calibration labels (on about half
of the test cases) follow these rules: passed true, score 1.0 = states the expected value(s) in any accepted form;
paraphrase and extra detail are allowed if the extra detail is itself taken from the context (correct-but-verbose);
for unanswerable cases only a response saying the context does not contain the answer passes. passed false,
score 0.0 = a wrong value (the fact's hand-written wrong value), a false refusal on an answerable question, a
hallucinated answer to an unanswerable question, or both parts of a two-passage answer wrong. passed false,
score 0.5 = a two-passage answer with exactly one part right (the other wrong or missing)."""


def write(lines):
    data = ("\n".join(lines) + "\n").encode("utf-8")
    (HERE / "v1.jsonl").write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    manifest = "\n".join([
        "name: grounded-qa",
        "description: |",
        *["  " + line for line in DESCRIPTION.splitlines()],
        "source: " + yaml_str("Generated by datasets/grounded-qa/generate.py (seed %d, Python 3.11 stdlib) from "
                              "hand-written fictional documents, fact tables, questions and answer sentences; "
                              "all text written for this dataset." % SEED),
        "licence: CC0-1.0",
        "task_class: qa",
        "fields:",
        "  question: " + yaml_str("The question to answer from the context only."),
        "  context: " + yaml_str("1-4 passages separated by blank lines, each headed '[doc-NN §S] Document title "
                                 "(section: Heading)'; may include distractor passages from other documents."),
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
    lines, docs = build()
    sha = write(lines)
    print(f"wrote {len(lines)} cases from {len(docs)} documents to {HERE / 'v1.jsonl'} (sha256 {sha})")
