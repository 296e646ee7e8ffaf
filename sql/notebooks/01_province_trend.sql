-- Province poor and near-poor rates by year, one series per poverty standard.
SELECT year, standard, stage, poor_rate, near_poor_rate, reduction_pp, comparable
FROM province_year
WHERE counted
ORDER BY standard, year;
