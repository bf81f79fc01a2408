-- Reserved for issue #20: shared data (数据共享核验). Filled by its change.
SELECT 1;
