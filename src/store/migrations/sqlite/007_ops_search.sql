-- Ops search (/ops/search): find an application, sub-application or delivery by any business id, each through an index.

-- The holder codes (公民身份号码 idNumber, 统一社会信用代码 creditCode) of every person group of an application's
-- merged form, upper-cased: the one way to find applications by holder without reading every form.
CREATE TABLE application_holders (
  holder_code    TEXT NOT NULL,
  application_id TEXT NOT NULL REFERENCES applications (id),
  role           TEXT NOT NULL,            -- the form group: applicant, mother, enterprise, …
  PRIMARY KEY (holder_code, application_id, role)
);
CREATE INDEX application_holders_application ON application_holders (application_id);

INSERT OR IGNORE INTO application_holders (holder_code, application_id, role)
SELECT upper(trim(json_extract(person.value, '$.' || member.name))), a.id, person.key
  FROM applications a, json_each(a.form) AS person, (SELECT 'idNumber' AS name UNION ALL SELECT 'creditCode') AS member
 WHERE person.type = 'object' AND json_type(person.value, '$.' || member.name) = 'text'
   AND trim(json_extract(person.value, '$.' || member.name)) <> '';

-- 受理号, as the department's receipt gave it.
CREATE INDEX sub_applications_acceptance_number ON sub_applications (acceptance_number);

-- The short form the dashboard shows of a UUID: its last 12 hex digits (the random part; the first ones are the time).
CREATE INDEX applications_short_id ON applications (substr(id, 25));
CREATE INDEX sub_applications_short_id ON sub_applications (substr(id, 25));
CREATE INDEX deliveries_short_id ON deliveries (substr(id, 25));
