-- Reserved for issue #19: how results reach the applicant (领证方式), logistics. Filled by its change.
SELECT 1;
