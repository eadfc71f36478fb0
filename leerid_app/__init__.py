"""LeerID Schoolloket: the console in which a school's LeerID-beheerder manages pupils' accounts."""
