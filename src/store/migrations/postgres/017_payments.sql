-- Reserved for issue #20: fees (网上缴费). Filled by its change.
SELECT 1;
