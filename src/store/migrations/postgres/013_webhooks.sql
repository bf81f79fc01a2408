-- Reserved for issue #19: platform notifications (webhooks). Filled by its change.
SELECT 1;
