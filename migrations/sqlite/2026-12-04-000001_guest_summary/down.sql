DROP INDEX scans_pass;
